import { log } from '@/lib/log';
import { isGroupNotFound, isScimError, isUserNotFound, type TScimErrorKind } from './errors';
import { eqFilter } from './filter';
import { paginate, type TFetchedPage, type TScimPage } from './paginate';
import {
  describeAddGroupMember,
  describeDeactivateUser,
  describeReactivateUser,
  describeRemoveGroupMember,
  groupPath,
  userPath,
  type TScimWriteRequest,
} from './patch-op';
import { createRateLimiter, type RateLimiter } from './rate-limit';
import { createRequester, type TScimEvent, type TScimLogger, type TScimStats } from './request';
import { parseGroup, parseListResponse, parseUser, ScimSchemaError, ZPatchRequest, type TScimGroup, type TScimUser } from './schemas';

export type TScimClientOptions = {
  /** e.g. `https://airtable.com/scim/v2`; a trailing slash is fine. */
  baseUrl: string;
  /** Bearer token; registered with the log redactor and never put in a message. */
  token: string;
  /** Requests per second for this token (default 50, Airtable's limit). */
  rateLimitPerSecond?: number;
  /** Requests in flight at once (default 8). */
  maxConcurrency?: number;
  /** Per-attempt timeout, headers and body (default 30 000 ms). */
  timeoutMs?: number;
  /** Retries after the first attempt for 429 / 5xx / network / timeout / truncated JSON (default 4, so 5 attempts). */
  maxRetries?: number;
  /** Wait after a 429 without Retry-After (default 30 000 ms: Airtable asks for 30 s). */
  defaultRetryAfterMs?: number;
  /** Full-jitter backoff base and cap (defaults 500 ms and 30 000 ms). */
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  /** List page size, 1..100 (default 100; Airtable's maximum `count`). */
  pageSize?: number;
  /**
   * Only for demo mode, to call the in-process simulator handler without a socket. Everything else
   * (tests included) uses the real global fetch over HTTP.
   */
  fetch?: typeof fetch;
  /** Progress callback: every attempt, retry, 429 and final failure. */
  onEvent?: (event: TScimEvent) => void;
  /** Logger (default: the app logger); tests pass one to capture the lines. */
  logger?: TScimLogger;
  /** Share one limiter between clients that use the same token; default: a new one. */
  limiter?: RateLimiter;
};

/** What the server answered to a write: the 2xx status and its JSON body (null when empty, e.g. 204). */
export type TScimWriteResponse = { status: number; body: unknown };

export type TListOptions = {
  /** A SCIM filter built with `eqFilter`; Airtable supports `userName eq` / `displayName eq` only. */
  filter?: string;
  pageSize?: number;
};

export type TTestConnectionFailureKind = 'unreachable' | 'auth_failed' | 'forbidden' | 'rate_limited' | 'not_scim' | 'error';

export type TTestConnectionResult =
  | { ok: true; totalUsers: number; totalGroups: number | null }
  | { ok: false; kind: TTestConnectionFailureKind; status?: number; message: string };

export type ScimClient = {
  /** Pages of users in server order, each user once. Throws ScimError (kind 'protocol' if the server ignores startIndex). */
  listUsers: (options?: TListOptions) => AsyncGenerator<TScimPage<TScimUser>, void, undefined>;
  /** Pages of groups. On Airtable they come WITHOUT members (`membersIncluded: false`): use getGroup. */
  listGroups: (options?: TListOptions) => AsyncGenerator<TScimPage<TScimGroup>, void, undefined>;
  /** One user, or null when the server says 404. */
  getUser: (id: string) => Promise<TScimUser | null>;
  /** One group with its members, or null when it does not exist (404, or Airtable's 400 "invalid group ID"). */
  getGroup: (id: string) => Promise<TScimGroup | null>;
  /** `filter=userName eq "…"`; the exact (case-insensitive, RFC 7643 §4.1.1) match or null. */
  findUserByUserName: (userName: string) => Promise<TScimUser | null>;
  /** PATCH active=false; the updated user (200) or null (204). */
  deactivateUser: (id: string) => Promise<TScimUser | null>;
  /** PATCH active=true; the updated user (200) or null (204). */
  reactivateUser: (id: string) => Promise<TScimUser | null>;
  /** PATCH remove `members[value eq "userId"]`; the updated group (200) or null (204). */
  removeGroupMember: (groupId: string, userId: string) => Promise<TScimGroup | null>;
  /** PATCH add members [{value: userId}]; the updated group (200) or null (204). */
  addGroupMember: (groupId: string, userId: string) => Promise<TScimGroup | null>;
  /** Send a write built by a `describe…()` function exactly as described; the response JSON or null. */
  sendWrite: (write: TScimWriteRequest) => Promise<Record<string, unknown> | null>;
  /**
   * Deliver a write at most once as far as the server can tell: repeated only after a 429 (refused
   * on arrival, so not applied). A 5xx, timeout or dropped connection is thrown at once, because
   * the write may have been applied: the caller checks the target before sending it again (the
   * remediation outbox). Resolves with the 2xx status and the JSON body (null for an empty body).
   */
  sendWriteOnce: (write: TScimWriteRequest) => Promise<TScimWriteResponse>;
  /** One short attempt at listing users and groups; never throws, never waits out retries. */
  testConnection: (options?: { timeoutMs?: number }) => Promise<TTestConnectionResult>;
  stats: () => TScimStats;
  readonly limiter: RateLimiter;
};

const WRITE_PATH = /^\/(Users|Groups)\/[^/?#]+$/;
const MAX_PAGE_SIZE = 100; // Airtable: count maximum 100 (OpenAPI listScimUsers)
const TEST_CONNECTION_TIMEOUT_MS = 10_000;

function positive(name: string, value: number, min: number): number {
  if (!Number.isFinite(value) || value < min) throw new RangeError(`${name} must be >= ${min}, got ${value}`);
  return value;
}

function checkPageSize(size: number): number {
  if (!Number.isInteger(size) || size < 1 || size > MAX_PAGE_SIZE) {
    throw new RangeError(`pageSize must be an integer in 1..${MAX_PAGE_SIZE}, got ${size}`);
  }
  return size;
}

// Index each resource so a schema error says which one broke.
function parsePage<T>(json: unknown, parseOne: (raw: unknown) => T): TFetchedPage<T> {
  const list = parseListResponse(json);
  const resources = list.Resources.map((raw, index) => {
    try {
      return parseOne(raw);
    } catch (err) {
      if (err instanceof ScimSchemaError) throw new ScimSchemaError(`Resources[${index}]: ${err.message}`, err.issues);
      throw err;
    }
  });
  return { totalResults: list.totalResults, resources };
}

const objectOrNull = (json: unknown): Record<string, unknown> | null => {
  if (json === null) return null;
  if (typeof json !== 'object' || Array.isArray(json)) throw new ScimSchemaError('response is not a JSON object', []);
  return json as Record<string, unknown>;
};

/**
 * Create the SCIM client for one base URL and token. All calls share one limiter (rate +
 * concurrency), one retry policy and one set of counters; hold one client per token.
 */
export function createScimClient(options: TScimClientOptions): ScimClient {
  const pageSize = checkPageSize(options.pageSize ?? MAX_PAGE_SIZE);
  const limiter =
    options.limiter ??
    createRateLimiter({
      ratePerSecond: positive('rateLimitPerSecond', options.rateLimitPerSecond ?? 50, 0),
      maxConcurrency: positive('maxConcurrency', options.maxConcurrency ?? 8, 1),
    });
  const requester = createRequester({
    baseUrl: options.baseUrl,
    token: options.token,
    limiter,
    timeoutMs: positive('timeoutMs', options.timeoutMs ?? 30_000, 1),
    maxRetries: positive('maxRetries', options.maxRetries ?? 4, 0),
    defaultRetryAfterMs: positive('defaultRetryAfterMs', options.defaultRetryAfterMs ?? 30_000, 0),
    backoffBaseMs: positive('backoffBaseMs', options.backoffBaseMs ?? 500, 0),
    backoffMaxMs: positive('backoffMaxMs', options.backoffMaxMs ?? 30_000, 0),
    // Bound to globalThis: undici's fetch throws "Illegal invocation" when called as a method of another object.
    fetch: options.fetch ?? ((input, init) => globalThis.fetch(input, init)),
    logger: options.logger ?? log.child({ module: 'scim' }),
    onEvent: options.onEvent,
  });

  function list<T extends { id: string }>(
    path: '/Users' | '/Groups',
    parseOne: (raw: unknown) => T,
    listOptions: TListOptions = {},
  ): AsyncGenerator<TScimPage<T>, void, undefined> {
    const size = checkPageSize(listOptions.pageSize ?? pageSize);
    return paginate<T>({
      path,
      pageSize: size,
      onProtocolError: requester.noteError,
      fetchPage: (startIndex, count) =>
        requester.request(
          // Each page gates the next: it goes ahead of fanned-out single-resource requests.
          { method: 'GET', path, query: { filter: listOptions.filter, startIndex, count }, priority: 'high' },
          (json) => parsePage(json, parseOne),
        ),
    });
  }

  async function getOrNull<T>(path: string, parse: (json: unknown) => T, isGone: (err: unknown) => boolean): Promise<T | null> {
    try {
      return await requester.request({ method: 'GET', path }, parse);
    } catch (err) {
      if (isGone(err)) return null;
      throw err;
    }
  }

  // A write may come back from the outbox table: check it is still one this module would build.
  const checkedWrite = (write: TScimWriteRequest): TScimWriteRequest => {
    if (write.method !== 'PATCH' || !WRITE_PATH.test(write.path)) throw new RangeError(`Not a SCIM write this client sends: ${write.method} ${write.path}`);
    return { method: 'PATCH', path: write.path, body: ZPatchRequest.parse(write.body) };
  };

  const sendWrite = async (write: TScimWriteRequest): Promise<Record<string, unknown> | null> => {
    const { path, body } = checkedWrite(write);
    return requester.request({ method: 'PATCH', path, body, allowEmpty: true }, objectOrNull);
  };

  const sendWriteOnce = async (write: TScimWriteRequest): Promise<TScimWriteResponse> => {
    const { path, body } = checkedWrite(write);
    return requester.request({ method: 'PATCH', path, body, allowEmpty: true, retryOn: 'throttled' }, (json, status) => ({ status, body: json }));
  };

  const writeUser = async (write: TScimWriteRequest): Promise<TScimUser | null> => {
    return requester.request({ method: write.method, path: write.path, body: write.body, allowEmpty: true }, (json) =>
      json === null ? null : parseUser(json),
    );
  };

  const writeGroup = async (write: TScimWriteRequest): Promise<TScimGroup | null> => {
    return requester.request({ method: write.method, path: write.path, body: write.body, allowEmpty: true }, (json) =>
      json === null ? null : parseGroup(json),
    );
  };

  async function testConnection(testOptions: { timeoutMs?: number } = {}): Promise<TTestConnectionResult> {
    const timeoutMs = testOptions.timeoutMs ?? Math.min(options.timeoutMs ?? TEST_CONNECTION_TIMEOUT_MS, TEST_CONNECTION_TIMEOUT_MS);
    const countOf = (path: '/Users' | '/Groups') =>
      requester.request({ method: 'GET', path, query: { startIndex: 1, count: 1 }, maxAttempts: 1, timeoutMs, priority: 'high' }, (json) => {
        const page = parseListResponse(json);
        // `{}` from a random JSON API parses as an empty list; a SCIM ListResponse always states totalResults (RFC 7644 §3.4.2).
        if (page.totalResults === null) throw new ScimSchemaError('ListResponse has no totalResults', []);
        return page.totalResults;
      });
    let totalUsers: number;
    try {
      totalUsers = await countOf('/Users');
    } catch (err) {
      return connectionFailure(err);
    }
    let totalGroups: number | null = null;
    try {
      totalGroups = await countOf('/Groups');
    } catch {
      // Users are what a review needs; a server without /Groups (or a token that cannot list them) still works.
      totalGroups = null;
    }
    return { ok: true, totalUsers, totalGroups };
  }

  return {
    limiter,
    listUsers: (listOptions) => list('/Users', parseUser, listOptions),
    listGroups: (listOptions) => list('/Groups', parseGroup, listOptions),
    // async so that an invalid id rejects the promise instead of throwing synchronously.
    getUser: async (id) => getOrNull(userPath(id), parseUser, isUserNotFound),
    getGroup: async (id) => getOrNull(groupPath(id), parseGroup, isGroupNotFound),
    async findUserByUserName(userName) {
      const page = await requester.request(
        { method: 'GET', path: '/Users', query: { filter: eqFilter('userName', userName), startIndex: 1, count: pageSize } },
        (json) => parsePage(json, parseUser),
      );
      // A server that ignores the filter returns arbitrary users: only an exact match counts.
      const wanted = userName.toLowerCase();
      return page.resources.find((u) => u.userName.toLowerCase() === wanted) ?? null;
    },
    deactivateUser: async (id) => writeUser(describeDeactivateUser(id)),
    reactivateUser: async (id) => writeUser(describeReactivateUser(id)),
    removeGroupMember: async (groupId, userId) => writeGroup(describeRemoveGroupMember(groupId, userId)),
    addGroupMember: async (groupId, userId) => writeGroup(describeAddGroupMember(groupId, userId)),
    sendWrite,
    sendWriteOnce,
    testConnection,
    stats: requester.stats,
  };
}

const FAILURE_BY_KIND: Record<TScimErrorKind, TTestConnectionFailureKind> = {
  unauthorized: 'auth_failed',
  forbidden: 'forbidden',
  rate_limited: 'rate_limited',
  network: 'unreachable',
  timeout: 'unreachable',
  protocol: 'not_scim',
  // No /Users at this URL: the base URL points somewhere that is not a SCIM endpoint.
  not_found: 'not_scim',
  bad_request: 'error',
  conflict: 'error',
  server: 'error',
};

const DEFAULT_MESSAGE: Record<TTestConnectionFailureKind, string> = {
  unreachable: 'The SCIM server could not be reached in time.',
  auth_failed: 'The token was rejected (401). Check that it is correct and not revoked.',
  forbidden: 'The token lacks permission for SCIM (403): it needs the enterprise.scim.usersAndGroups:manage scope and an enterprise admin.',
  rate_limited: 'The SCIM server is rate limiting this token (429); try again in a minute.',
  not_scim: 'The URL answered, but not as a SCIM 2.0 /Users endpoint.',
  error: 'The SCIM server returned an error.',
};

function connectionFailure(err: unknown): TTestConnectionResult {
  if (!isScimError(err)) return { ok: false, kind: 'error', message: DEFAULT_MESSAGE.error };
  const kind = FAILURE_BY_KIND[err.kind];
  // ScimError.detail is already redacted (errors.ts).
  const message = err.detail ?? DEFAULT_MESSAGE[kind];
  return err.status === null ? { ok: false, kind, message } : { ok: false, kind, status: err.status, message };
}
