/** One request the simulator received; `path` is relative to the SCIM base path (`/Users/usr…`). */
export type SimRequestRecord = {
  at: number;
  method: string;
  path: string;
  status: number | 'dropped';
  /** The query string without `?`, when there was one. */
  query?: string;
  /** The request body of POST/PUT/PATCH/DELETE, as received. */
  bodyText?: string;
};

export type RequestFilter = { method?: string; path?: string | RegExp };

/** Default ring size: enough for a 100k-user crawl plus remediation, bounded in memory. */
export const DEFAULT_LOG_CAPACITY = 200_000;

/** A bounded ring of request records: O(1) append, the oldest overwritten when full. */
export function createRequestLog(capacity = DEFAULT_LOG_CAPACITY) {
  let ring: SimRequestRecord[] = [];
  let next = 0;
  const ordered = (): SimRequestRecord[] => (ring.length < capacity ? ring.slice() : [...ring.slice(next), ...ring.slice(0, next)]);
  const matches = (r: SimRequestRecord, f: RequestFilter): boolean => {
    if (f.method && r.method !== f.method.toUpperCase()) return false;
    if (f.path === undefined) return true;
    return typeof f.path === 'string' ? r.path.startsWith(f.path) : f.path.test(r.path);
  };
  return {
    add(record: SimRequestRecord): void {
      if (ring.length < capacity) ring.push(record);
      else ring[next] = record;
      next = (next + 1) % capacity;
    },
    all: ordered,
    /** Count records; a string `path` matches as a prefix, a RegExp is tested against the path. */
    count(filter: RequestFilter = {}): number {
      let n = 0;
      for (const r of ring) if (matches(r, filter)) n++;
      return n;
    },
    clear(): void {
      ring = [];
      next = 0;
    },
  };
}

export type RequestLog = ReturnType<typeof createRequestLog>;
