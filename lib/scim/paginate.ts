import { ScimError } from './errors';

/**
 * Index-based paging over a SCIM list endpoint (RFC 7644 §3.4.2.4), hardened for servers that
 * bend the rules:
 * - startIndex is 1-based; the next page starts after the resources actually received (a server
 *   may return fewer than `count`), not after `count`.
 * - stop when startIndex passes totalResults, or at an empty page (RFC §3.4.2.4: a startIndex past
 *   the end returns no resources), whichever comes first.
 * - resources are de-duplicated by id (a list that shifts while it is read repeats a few).
 * - a non-empty page made only of ids already seen means the server ignores startIndex: stop with
 *   a 'protocol' ScimError instead of fetching the same page forever.
 */

/** One page as the client yields it. */
export type TScimPage<T> = {
  /** New resources of this page (duplicates of earlier pages removed). */
  resources: T[];
  /** The server's count of all matching resources, for progress; null if it sent none. */
  totalResults: number | null;
  /** The startIndex this page was requested with (1-based). */
  startIndex: number;
  /** Resources the server sent on this page, duplicates included (what startIndex advances by). */
  received: number;
};

/** A parsed list page as the fetcher returns it. */
export type TFetchedPage<T> = { totalResults: number | null; resources: T[] };

export type TPaginateOptions<T> = {
  fetchPage: (startIndex: number, count: number) => Promise<TFetchedPage<T>>;
  pageSize: number;
  /** `/Users` or `/Groups`, for the error message. */
  path: string;
  /** Told about the repeated-page error before it is thrown (the client counts it). */
  onProtocolError?: (err: ScimError) => void;
};

/** Iterate pages of `{ id }` resources; see the module comment for the rules. */
export async function* paginate<T extends { id: string }>(options: TPaginateOptions<T>): AsyncGenerator<TScimPage<T>, void, undefined> {
  const { fetchPage, pageSize, path } = options;
  const seen = new Set<string>();
  let startIndex = 1;
  for (;;) {
    const page = await fetchPage(startIndex, pageSize);
    const received = page.resources.length;
    if (received === 0) return;
    const fresh: T[] = [];
    for (const resource of page.resources) {
      if (seen.has(resource.id)) continue;
      seen.add(resource.id);
      fresh.push(resource);
    }
    if (fresh.length === 0) {
      const error = new ScimError({
        kind: 'protocol',
        method: 'GET',
        path,
        message:
          `SCIM GET ${path}: the server ignored startIndex — the page at startIndex=${startIndex} repeats ` +
          `${received} resource(s) already received; stopped instead of looping (RFC 7644 §3.4.2.4)`,
      });
      options.onProtocolError?.(error);
      throw error;
    }
    yield { resources: fresh, totalResults: page.totalResults, startIndex, received };
    startIndex += received;
    if (page.totalResults !== null && startIndex > page.totalResults) return;
  }
}
