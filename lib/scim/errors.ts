import { redactSecret } from '@/lib/log';
import type { TScimErrorInfo } from './schemas';

/**
 * What went wrong, as a closed set. Callers branch on `kind` (and the helpers below), never on
 * message text: the message is for humans and logs.
 */
export type TScimErrorKind =
  | 'unauthorized' // 401: token missing, wrong or revoked
  | 'forbidden' // 403: token valid but lacks the SCIM scope / admin role
  | 'not_found' // 404, or Airtable's 400 "invalid group ID" (see isGroupNotFound)
  | 'bad_request' // other 4xx: our request was refused; retrying will not help
  | 'conflict' // 409 (RFC 7644 §3.3 uniqueness)
  | 'rate_limited' // 429 still failing after the retries
  | 'server' // 5xx after the retries
  | 'network' // connection refused / reset / dropped mid-body
  | 'timeout' // no complete answer within timeoutMs
  | 'protocol'; // the server spoke, but not SCIM: bad JSON, schema mismatch, repeated page

/** HTTP methods the client sends. */
export type TScimMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

const TRANSIENT_KINDS: ReadonlySet<TScimErrorKind> = new Set(['rate_limited', 'server', 'network', 'timeout']);

/** Whether an error of this kind may succeed when the same request is sent again later. */
export function isTransientKind(kind: TScimErrorKind): boolean {
  return TRANSIENT_KINDS.has(kind);
}

/** Map an HTTP status to a kind. RFC 7644 §3.12 lists the statuses a SCIM server uses. */
export function kindForStatus(status: number): TScimErrorKind {
  if (status === 401) return 'unauthorized';
  if (status === 403) return 'forbidden';
  if (status === 404) return 'not_found';
  if (status === 409) return 'conflict';
  if (status === 429) return 'rate_limited';
  if (status >= 500) return 'server';
  if (status >= 400) return 'bad_request';
  // A 1xx/3xx reaching us means a proxy or a non-SCIM endpoint; fetch follows redirects itself.
  return 'protocol';
}

export type TScimErrorInit = {
  kind: TScimErrorKind;
  message: string;
  method: TScimMethod;
  path: string;
  status?: number | null;
  scimType?: string | null;
  detail?: string | null;
  attempts?: number;
  /** Overrides the kind's default, e.g. a truncated 2xx body is 'protocol' yet worth retrying. */
  transient?: boolean;
  cause?: unknown;
  /** Secrets to scrub besides the registered ones (the client passes its token). */
  secrets?: Array<string | undefined>;
};

/**
 * The one error type of lib/scim. Every text field is passed through `redactSecret`, and `cause`
 * is replaced by a plain sanitised Error, so the bearer token cannot leak through `message`,
 * `stack`, `cause`, `toJSON()` or `String(err)`.
 */
export class ScimError extends Error {
  override readonly name = 'ScimError';
  readonly kind: TScimErrorKind;
  readonly status: number | null;
  readonly scimType: string | null;
  readonly detail: string | null;
  readonly method: TScimMethod;
  readonly path: string;
  readonly attempts: number;
  readonly isTransient: boolean;

  constructor(init: TScimErrorInit) {
    const secrets = init.secrets ?? [];
    super(redactSecret(init.message, secrets), init.cause === undefined ? undefined : { cause: sanitiseCause(init.cause, secrets) });
    this.kind = init.kind;
    this.status = init.status ?? null;
    this.scimType = init.scimType == null ? null : redactSecret(init.scimType, secrets);
    this.detail = init.detail == null ? null : redactSecret(init.detail, secrets);
    this.method = init.method;
    this.path = redactSecret(init.path, secrets);
    this.attempts = init.attempts ?? 1;
    this.isTransient = init.transient ?? isTransientKind(init.kind);
  }

  toJSON(): Record<string, unknown> {
    return {
      name: this.name,
      kind: this.kind,
      message: this.message,
      status: this.status,
      scimType: this.scimType,
      detail: this.detail,
      method: this.method,
      path: this.path,
      attempts: this.attempts,
      isTransient: this.isTransient,
    };
  }
}

/** Type guard usable on anything caught. */
export function isScimError(err: unknown): err is ScimError {
  return err instanceof ScimError;
}

/**
 * Turn whatever fetch threw into a plain Error holding only redacted text (name, message, code
 * and the nested cause's message). undici errors can carry sockets and request objects; none of
 * that is kept.
 */
export function sanitiseCause(cause: unknown, secrets: Array<string | undefined> = []): Error {
  const parts: string[] = [];
  let current: unknown = cause;
  for (let depth = 0; depth < 4 && current !== undefined && current !== null; depth++) {
    if (current instanceof Error) {
      const code = (current as Error & { code?: unknown }).code;
      parts.push(`${current.name}: ${current.message}${typeof code === 'string' ? ` (${code})` : ''}`);
      current = current.cause;
    } else {
      parts.push(String(current));
      current = undefined;
    }
  }
  const safe = new Error(redactSecret(parts.join(' <- '), secrets));
  safe.name = 'ScimCause';
  safe.stack = `${safe.name}: ${safe.message}`;
  return safe;
}

const GROUP_PATH = /^\/Groups\/[^/?]+$/;
const USER_PATH = /^\/Users\/[^/?]+$/;
// Airtable: `400 {"detail":"invalid group ID"}` for an unknown group (DESIGN.md, "Airtable SCIM facts").
const GROUP_ID_REFUSED = /\bgroup\b.*\b(id|identifier)\b|\b(id|identifier)\b.*\bgroup\b/i;
const NOT_FOUND_WORDS = /\b(invalid|unknown|not\s+found|does\s+not\s+exist|no\s+such)\b/i;

/**
 * Classify an HTTP error response. One deliberate deviation from the status table: Airtable
 * answers an unknown group id with 400 rather than 404, so a 400 on `/Groups/{id}` whose detail
 * says the group id is invalid/unknown becomes kind 'not_found' (status stays 400). Any other 400
 * on a group — a malformed PatchOp, an unknown *member* — stays 'bad_request', so a bad request is
 * never mistaken for "group gone".
 */
export function errorFromResponse(args: {
  status: number;
  body: TScimErrorInfo | null;
  method: TScimMethod;
  path: string;
  attempts: number;
  secrets?: Array<string | undefined>;
}): ScimError {
  const { status, body, method, path } = args;
  let kind = kindForStatus(status);
  const detail = body?.detail ?? null;
  if (
    status === 400 &&
    GROUP_PATH.test(path) &&
    detail !== null &&
    GROUP_ID_REFUSED.test(detail) &&
    NOT_FOUND_WORDS.test(detail) &&
    !/\b(member|user)\b/i.test(detail)
  ) {
    kind = 'not_found';
  }
  const summary = detail ? `: ${detail}` : '';
  return new ScimError({
    kind,
    status,
    scimType: body?.scimType ?? null,
    detail,
    method,
    path,
    attempts: args.attempts,
    message: `SCIM ${method} ${path} failed with HTTP ${status} (${kind})${summary}`,
    secrets: args.secrets,
  });
}

/** The user addressed by a `/Users/{id}` request does not exist (404). */
export function isUserNotFound(err: unknown): boolean {
  return isScimError(err) && err.kind === 'not_found' && USER_PATH.test(err.path);
}

/**
 * The group addressed by a `/Groups/{id}` request does not exist: a 404 from an RFC server, or
 * Airtable's 400 "invalid group ID" (classified in `errorFromResponse`).
 */
export function isGroupNotFound(err: unknown): boolean {
  return isScimError(err) && err.kind === 'not_found' && GROUP_PATH.test(err.path);
}

/**
 * RFC 7644 §3.5.2.2: a remove whose path filter matches nothing may answer 400 `noTarget` —
 * for a member removal that means the member is already gone.
 */
export function isNoTarget(err: unknown): boolean {
  return isScimError(err) && err.scimType !== null && err.scimType.toLowerCase() === 'notarget';
}
