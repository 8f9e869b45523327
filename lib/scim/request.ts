import { redactSecret, registerSecret } from '@/lib/log';
import { backoffDelay, parseRetryAfter } from './backoff';
import { errorFromResponse, isScimError, ScimError, type TScimErrorKind, type TScimMethod } from './errors';
import type { RateLimiter, TPriority } from './rate-limit';
import { parseErrorBody, ScimSchemaError } from './schemas';

/**
 * The one request function every SCIM call goes through: bearer token, `application/scim+json`,
 * the shared limiter, a per-attempt timeout, error classification, retries and counters.
 *
 * Retry policy (docs/decisions/003-scim-client.md):
 * - 429: pause the whole limiter for Retry-After (seconds or HTTP date) or `defaultRetryAfterMs`,
 *   then retry. Airtable: "wait 30 seconds before subsequent requests will succeed".
 * - 5xx, connection errors, timeouts and truncated/unparseable 2xx JSON: exponential backoff with
 *   full jitter.
 * - Any other 4xx: never retried; the same request would fail the same way.
 * Attempts are bounded by `maxRetries + 1` for all of these together.
 */

export type { TScimMethod };

/** Progress and diagnostics, one event per attempt / retry / 429 / final failure. */
export type TScimEvent =
  | { type: 'request'; method: TScimMethod; path: string; attempt: number; status: number | null; durationMs: number }
  | {
      type: 'retry';
      method: TScimMethod;
      path: string;
      attempt: number;
      kind: TScimErrorKind;
      status: number | null;
      delayMs: number;
    }
  | { type: 'throttle'; method: TScimMethod; path: string; retryAfterMs: number; source: 'header' | 'default' }
  | { type: 'error'; method: TScimMethod; path: string; kind: TScimErrorKind; status: number | null; attempts: number };

/** Counters since the client was created. */
export type TScimStats = {
  /** HTTP requests sent, every attempt counted. */
  requests: number;
  /** Attempts that were repeats of a failed attempt. */
  retries: number;
  /** 429 answers received. */
  throttled: number;
  /** Total time requests spent queued in the limiter: rate spacing, 429 pauses, concurrency. */
  rateLimitWaitMs: number;
  /** Calls that finally failed (thrown ScimError), after retries. */
  errors: number;
};

/** The subset of a pino logger the client uses; pass one to capture its lines. */
export type TScimLogger = {
  debug: (obj: object, msg?: string) => void;
  warn: (obj: object, msg?: string) => void;
};

export type TRequesterConfig = {
  baseUrl: string;
  token: string;
  limiter: RateLimiter;
  timeoutMs: number;
  maxRetries: number;
  defaultRetryAfterMs: number;
  backoffBaseMs: number;
  backoffMaxMs: number;
  fetch: typeof fetch;
  logger: TScimLogger;
  onEvent?: (event: TScimEvent) => void;
  random?: () => number;
};

export type TRequestOptions = {
  method: TScimMethod;
  /** Relative to the base URL, starting with `/`, ids already encoded. */
  path: string;
  query?: Record<string, string | number | undefined>;
  body?: unknown;
  /** Accept a 2xx without a body (204 after PATCH); the parser then receives null. */
  allowEmpty?: boolean;
  /** 'high' for a request on a sequential critical path (the next list page); see rate-limit.ts. */
  priority?: TPriority;
  /** Override the attempt budget (testConnection uses 1). */
  maxAttempts?: number;
  /**
   * Which failures are retried here: every transient one (default), or only 429s ('throttled').
   * A 429 is refused on arrival, so the request certainly did nothing; after a 5xx, a timeout or a
   * dropped connection a write may have been applied, and the remediation outbox checks the
   * target before it sends the write again.
   */
  retryOn?: 'transient' | 'throttled';
  timeoutMs?: number;
};

export type ScimRequester = {
  /** Send, retry as the policy says, and parse the 2xx body with `parse` (a schema error becomes kind 'protocol'); `status` is the 2xx status. */
  request: <T>(options: TRequestOptions, parse: (json: unknown, status: number) => T) => Promise<T>;
  /** Count and report an error raised above the request layer (e.g. a repeated page). */
  noteError: (err: ScimError) => void;
  stats: () => TScimStats;
};

type TAttemptOutcome =
  | { ok: true; status: number; json: unknown }
  | { ok: false; error: ScimError; retryAfterMs?: number; retryAfterSource?: 'header' | 'default' };

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Strip trailing slashes so `${base}/Users` never doubles them. */
export function normaliseBaseUrl(baseUrl: string): string {
  const url = new URL(baseUrl);
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new RangeError('SCIM base URL must be http(s)');
  if (url.username || url.password) throw new RangeError('SCIM base URL must not carry credentials');
  url.search = '';
  url.hash = '';
  return url.toString().replace(/\/+$/, '');
}

// encodeURIComponent rather than URLSearchParams: some SCIM servers do not decode `+` as a space in filters.
function buildQuery(query: TRequestOptions['query']): string {
  if (!query) return '';
  const parts = Object.entries(query)
    .filter((entry): entry is [string, string | number] => entry[1] !== undefined)
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`);
  return parts.length > 0 ? `?${parts.join('&')}` : '';
}

/** Create the request function bound to one base URL, token and limiter. */
export function createRequester(config: TRequesterConfig): ScimRequester {
  const base = normaliseBaseUrl(config.baseUrl);
  const secrets = [config.token];
  registerSecret(config.token);
  const random = config.random ?? Math.random;
  const counters: TScimStats = { requests: 0, retries: 0, throttled: 0, rateLimitWaitMs: 0, errors: 0 };

  const emit = (event: TScimEvent): void => {
    if (!config.onEvent) return;
    try {
      config.onEvent(event);
    } catch (err) {
      // A broken progress callback must not fail the crawl.
      config.logger.warn({ err: redactSecret(String(err), secrets) }, 'scim onEvent callback threw');
    }
  };

  const noteError = (err: ScimError): void => {
    counters.errors++;
    emit({ type: 'error', method: err.method, path: err.path, kind: err.kind, status: err.status, attempts: err.attempts });
    config.logger.warn({ scimError: err.toJSON() }, 'scim call failed');
  };

  async function attemptOnce(options: TRequestOptions, attempt: number): Promise<TAttemptOutcome> {
    const { method, path } = options;
    const permit = await config.limiter.acquire(options.priority);
    counters.rateLimitWaitMs += permit.waitedMs;
    counters.requests++;
    const timeoutMs = options.timeoutMs ?? config.timeoutMs;
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), timeoutMs);
    const started = Date.now();
    let status: number | null = null;
    let text: string;
    let retryAfterHeader: string | null = null;
    try {
      const headers: Record<string, string> = {
        authorization: `Bearer ${config.token}`,
        accept: 'application/scim+json, application/json;q=0.9',
      };
      if (options.body !== undefined) headers['content-type'] = 'application/scim+json';
      const response = await config.fetch(`${base}${path}${buildQuery(options.query)}`, {
        method,
        headers,
        body: options.body === undefined ? undefined : JSON.stringify(options.body),
        signal: controller.signal,
        redirect: 'manual',
      });
      status = response.status;
      retryAfterHeader = response.headers.get('retry-after');
      // The timeout covers the body too: a server that stalls mid-body is a timeout, not a hang.
      text = await response.text();
    } catch (cause) {
      const timedOut = controller.signal.aborted;
      const kind: TScimErrorKind = timedOut ? 'timeout' : 'network';
      const error = new ScimError({
        kind,
        status,
        method,
        path,
        attempts: attempt,
        message: timedOut
          ? `SCIM ${method} ${path} timed out after ${timeoutMs} ms`
          : `SCIM ${method} ${path} failed: connection error`,
        cause,
        secrets,
      });
      return { ok: false, error };
    } finally {
      clearTimeout(timer);
      permit.release();
      emit({ type: 'request', method, path, attempt, status, durationMs: Date.now() - started });
      config.logger.debug({ method, path, attempt, status, durationMs: Date.now() - started }, 'scim request');
    }

    if (status >= 200 && status < 300) {
      const trimmed = text.trim();
      if (trimmed === '') {
        if (options.allowEmpty || status === 204) return { ok: true, status, json: null };
        return {
          ok: false,
          error: new ScimError({ kind: 'protocol', status, method, path, attempts: attempt, transient: true, message: `SCIM ${method} ${path}: empty body on HTTP ${status}`, secrets }),
        };
      }
      try {
        return { ok: true, status, json: JSON.parse(trimmed) as unknown };
      } catch {
        // A body that starts like JSON but does not parse was cut short (dropped mid-stream): worth another try.
        // One that is not JSON at all (an HTML login page, a proxy) will not improve.
        const truncated = trimmed.startsWith('{') || trimmed.startsWith('[');
        return {
          ok: false,
          error: new ScimError({
            kind: 'protocol',
            status,
            method,
            path,
            attempts: attempt,
            transient: truncated,
            message: truncated
              ? `SCIM ${method} ${path}: truncated or malformed JSON body on HTTP ${status}`
              : `SCIM ${method} ${path}: HTTP ${status} body is not JSON (is this a SCIM endpoint?)`,
            secrets,
          }),
        };
      }
    }

    let errorJson: unknown = null;
    try {
      errorJson = JSON.parse(text);
    } catch {
      errorJson = null;
    }
    const error = errorFromResponse({ status, body: parseErrorBody(errorJson), method, path, attempts: attempt, secrets });
    if (status === 429) {
      counters.throttled++;
      const fromHeader = parseRetryAfter(retryAfterHeader);
      const retryAfterMs = fromHeader ?? config.defaultRetryAfterMs;
      return { ok: false, error, retryAfterMs, retryAfterSource: fromHeader === null ? 'default' : 'header' };
    }
    return { ok: false, error };
  }

  async function request<T>(options: TRequestOptions, parse: (json: unknown, status: number) => T): Promise<T> {
    const maxAttempts = Math.max(1, options.maxAttempts ?? config.maxRetries + 1);
    for (let attempt = 1; ; attempt++) {
      const outcome = await attemptOnce(options, attempt);
      if (outcome.ok) {
        try {
          return parse(outcome.json, outcome.status);
        } catch (err) {
          if (!(err instanceof ScimSchemaError)) throw err;
          // The server answered consistently but not in SCIM shape: retrying would not help.
          const error = new ScimError({
            kind: 'protocol',
            status: outcome.status,
            method: options.method,
            path: options.path,
            attempts: attempt,
            message: `SCIM ${options.method} ${options.path}: ${err.message}`,
            secrets,
          });
          noteError(error);
          throw error;
        }
      }
      const { error } = outcome;
      if (error.kind === 'rate_limited' && outcome.retryAfterMs !== undefined) {
        // The whole limiter waits, not just this request: every other request on the token would earn a 429 too.
        config.limiter.pause(outcome.retryAfterMs);
        emit({ type: 'throttle', method: options.method, path: options.path, retryAfterMs: outcome.retryAfterMs, source: outcome.retryAfterSource ?? 'default' });
        config.logger.warn({ method: options.method, path: options.path, retryAfterMs: outcome.retryAfterMs }, 'scim 429: pausing the limiter');
      }
      const retryable = error.isTransient && (options.retryOn !== 'throttled' || error.kind === 'rate_limited');
      if (!retryable || attempt >= maxAttempts) {
        const final =
          attempt > 1
            ? new ScimError({
                kind: error.kind,
                status: error.status,
                scimType: error.scimType,
                detail: error.detail,
                method: error.method,
                path: error.path,
                attempts: attempt,
                transient: error.isTransient,
                message: `${error.message} (after ${attempt} attempts)`,
                cause: error.cause,
                secrets,
              })
            : error;
        noteError(final);
        throw final;
      }
      // 429 waits in the limiter; everything else backs off here, holding no concurrency slot.
      const delayMs =
        error.kind === 'rate_limited' ? 0 : backoffDelay(attempt, config.backoffBaseMs, config.backoffMaxMs, random);
      counters.retries++;
      emit({ type: 'retry', method: options.method, path: options.path, attempt, kind: error.kind, status: error.status, delayMs });
      config.logger.warn(
        { method: options.method, path: options.path, attempt, kind: error.kind, status: error.status, delayMs },
        'scim retry',
      );
      if (delayMs > 0) await sleep(delayMs);
    }
  }

  return {
    request,
    noteError: (err) => {
      if (isScimError(err)) noteError(err);
    },
    stats: () => ({ ...counters }),
  };
}
