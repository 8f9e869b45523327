import { z } from 'zod';
import { log } from '@/lib/log';
import { createFaultEngine, type FaultConfig, type FaultDecision } from './faults';
import { isAttribute, parseEqFilter } from './filters';
import { PatchError, isValidUserName, parsePatchRequest, patchGroup, patchUser } from './patch';
import { createPrng } from './prng';
import { createRateLimiter } from './rate-limit';
import { createRequestLog, type RequestFilter, type SimRequestRecord } from './request-log';
import {
  SCHEMA_ENTERPRISE_USER,
  SCHEMA_GROUP,
  SCHEMA_USER,
  SCIM_CONTENT_TYPE,
  renderError,
  renderGroup,
  renderList,
  renderUser,
  type JsonObject,
  type ScimErrorType,
} from './resources';
import { SimConflictError, SimUnknownUserError, openSimStore, type SimStore, type SimUserFields } from './store';

export type SimOptions = {
  /** Accepted bearer tokens; anything else → 401 SCIM error. */
  tokens: string[];
  /** Tokens that authenticate but lack the scope → 403 SCIM error on every call. */
  forbiddenTokens?: string[];
  /** Per token; default 50 (Airtable's limit); 0 = unlimited. */
  rateLimitPerSecond?: number;
  /** Default ':memory:'; a file path (or `file:` URL) makes state persist across restarts. */
  dbPath?: string;
  /** Default '/scim/v2': the URL path prefix the handler strips. */
  basePath?: string;
  faults?: Partial<FaultConfig>;
  /** Seeds the PRNG used for probabilistic faults (deterministic tests). */
  seedRandom?: number;
  /** Clock for rate limiting, the request log and meta timestamps (default Date.now). */
  now?: () => number;
  /** Test hook, see `Simulator.setBeforeRespond`. */
  beforeRespond?: TBeforeRespond | null;
};

/**
 * Called with each logged request after the simulator did the work (the store already changed)
 * and before the response leaves. Crash tests use it to kill a client at the worst moment: the
 * write is applied and the client never hears about it. The response waits for a returned promise.
 */
export type TBeforeRespond = (request: SimRequestRecord) => void | Promise<void>;

export type Simulator = {
  /** Plain Request → Response (works inside a Next.js route handler). Never throws. */
  handle(req: Request): Promise<Response>;
  /** Direct state access for tests and seeding. */
  store: SimStore;
  /** Merge into the current faults. */
  setFaults(f: Partial<FaultConfig>): void;
  resetFaults(): void;
  /** The current fault configuration (a copy). */
  faults(): FaultConfig;
  /** Install (or remove, with null) the `beforeRespond` hook. */
  setBeforeRespond(hook: TBeforeRespond | null): void;
  /** Every request received, oldest first (bounded ring of the last 200k), incl. write bodies. */
  requestLog(): SimRequestRecord[];
  /** Count logged requests; a string `path` is a prefix of the SCIM path, a RegExp is tested against it. */
  countRequests(filter?: RequestFilter): number;
  clearRequestLog(): void;
  /** Closes the SQLite db. */
  close(): void;
};

export const DEFAULT_BASE_PATH = '/scim/v2';
export const DEFAULT_RATE_LIMIT = 50;
const MAX_PAGE_SIZE = 100;
// Airtable's rate-limit message asks clients to wait 30 seconds (https://airtable.com/developers/web/api/rate-limits).
const RATE_LIMIT_DETAIL = 'Rate limit exceeded. Please wait 30 seconds before making additional requests.';

// Responses that stand for "connection dropped": a 502 inside the app, socket.destroy() in startSimServer.
const droppedResponses = new WeakSet<Response>();

/**
 * True when `res` is the simulator's dropped-connection sentinel. `startSimServer` destroys the
 * socket for these; a caller without a socket (the Next.js route) can send the 502 as it is.
 */
export function isDroppedResponse(res: Response): boolean {
  return droppedResponses.has(res);
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly detail: string,
    readonly scimType?: ScimErrorType,
  ) {
    super(detail);
  }
}

const badRequest = (scimType: ScimErrorType, detail: string): HttpError => new HttpError(400, detail, scimType);

// `body` is unknown because a failNext rule may send any JSON value the test wants.
type Outcome = { status: number; body?: unknown; headers?: Record<string, string> };

const ZOptString = z.string().nullish();
const ZUserBody = z.object({
  userName: z.string({ error: 'userName is required' }),
  name: z.object({ givenName: ZOptString, familyName: ZOptString }).nullish(),
  title: ZOptString,
  active: z.boolean().optional(),
  [SCHEMA_ENTERPRISE_USER]: z
    .object({
      costCenter: ZOptString,
      department: ZOptString,
      division: ZOptString,
      organization: ZOptString,
      manager: z.object({ value: ZOptString, displayName: ZOptString }).nullish(),
    })
    .nullish(),
});
const ZGroupBody = z.object({
  displayName: z.string({ error: 'displayName is required' }).trim().min(1, 'displayName must not be empty'),
  members: z.array(z.object({ value: z.string() })).nullish(),
});

function requireSchema(body: unknown, urn: string): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw badRequest('invalidSyntax', 'request body must be a JSON object');
  const schemas = (body as Record<string, unknown>).schemas;
  // RFC 7643 §3: "schemas" is required and names the resource's schema; URIs compare case-insensitively.
  if (!Array.isArray(schemas) || !schemas.some((s) => typeof s === 'string' && s.toLowerCase() === urn.toLowerCase())) {
    throw badRequest('invalidSyntax', `schemas must contain ${urn}`);
  }
  return body as Record<string, unknown>;
}

function parseWith<T>(schema: z.ZodType<T>, body: unknown): T {
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const where = issue?.path.length ? `${issue.path.join('.')}: ` : '';
  throw badRequest('invalidValue', `${where}${issue?.message ?? 'invalid request body'}`);
}

function userFieldsFromBody(raw: unknown): SimUserFields {
  const body = parseWith(ZUserBody, requireSchema(raw, SCHEMA_USER));
  if (!isValidUserName(body.userName)) throw badRequest('invalidValue', 'userName must be an email address');
  const ext = body[SCHEMA_ENTERPRISE_USER];
  return {
    userName: body.userName,
    givenName: body.name?.givenName ?? null,
    familyName: body.name?.familyName ?? null,
    title: body.title ?? null,
    // The OpenAPI ScimUserCreateRequest declares `active` with default true.
    active: body.active ?? true,
    costCenter: ext?.costCenter ?? null,
    department: ext?.department ?? null,
    division: ext?.division ?? null,
    organization: ext?.organization ?? null,
    managerValue: ext?.manager?.value ?? null,
    managerDisplayName: ext?.manager?.displayName ?? null,
  };
}

/** RFC 7644 §3.4.2.4 paging parameters. Airtable caps `count` at 100; larger values are clamped. */
function pageParams(url: URL): { startIndex: number; count: number } {
  const parse = (name: string, fallback: number): number => {
    const raw = url.searchParams.get(name);
    if (raw === null || raw.trim() === '') return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n)) throw badRequest('invalidValue', `${name} must be an integer`);
    return n;
  };
  // "A value less than 1 SHALL be interpreted as 1" / "A negative value SHALL be interpreted as 0".
  const startIndex = Math.max(1, parse('startIndex', 1));
  const count = Math.min(MAX_PAGE_SIZE, Math.max(0, parse('count', MAX_PAGE_SIZE)));
  return { startIndex, count };
}

function bearerToken(req: Request): string | null {
  const header = req.headers.get('authorization');
  const match = header ? /^bearer\s+(\S+)\s*$/i.exec(header) : null;
  return match?.[1] ?? null;
}

function parseJson(text: string): unknown {
  if (text.trim() === '') throw badRequest('invalidSyntax', 'request body is required');
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw badRequest('invalidSyntax', 'request body is not valid JSON');
  }
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Create an in-process Airtable SCIM 2.0 simulator over its own SQLite store. See
 * docs/decisions/002-airtable-simulator.md for what it reproduces and how faults behave.
 */
export function createSimulator(opts: SimOptions): Simulator {
  const now = opts.now ?? Date.now;
  const basePath = (opts.basePath ?? DEFAULT_BASE_PATH).replace(/\/+$/, '');
  const tokens = new Set(opts.tokens);
  const forbidden = new Set(opts.forbiddenTokens ?? []);
  const store = openSimStore(opts.dbPath ?? ':memory:', now);
  const faults = createFaultEngine(createPrng(opts.seedRandom ?? 0x5eed), opts.faults);
  const limiter = createRateLimiter(opts.rateLimitPerSecond ?? DEFAULT_RATE_LIMIT);
  const requests = createRequestLog();
  let beforeRespond: TBeforeRespond | null = opts.beforeRespond ?? null;

  const tooMany = (): Outcome => {
    const retryAfter = faults.config.retryAfterSeconds;
    return {
      status: 429,
      body: renderError(429, RATE_LIMIT_DETAIL, undefined, true),
      headers: retryAfter === null ? undefined : { 'retry-after': String(retryAfter) },
    };
  };

  /**
   * GET /Users and GET /Groups: 1-based paging, the single `eq` filter Airtable supports on each,
   * and the ignore-startIndex fault.
   */
  const listOutcome = <T>(
    url: URL,
    attribute: string,
    schema: string,
    findOne: (value: string) => T | null | undefined,
    listPage: (startIndex: number, count: number) => { total: number; items: T[] },
    render: (item: T) => JsonObject,
  ): Outcome => {
    const { startIndex, count } = pageParams(url);
    const effectiveStart = faults.config.ignoreStartIndex ? 1 : startIndex;
    const filterText = url.searchParams.get('filter');
    if (filterText !== null) {
      const filter = parseEqFilter(filterText);
      if (!filter || !isAttribute(filter.attribute, attribute, schema)) {
        throw badRequest('invalidFilter', `only filter=${attribute} eq "<value>" is supported`);
      }
      const found = findOne(filter.value);
      const all = found ? [render(found)] : [];
      return { status: 200, body: renderList(all.length, effectiveStart, all.slice(effectiveStart - 1, effectiveStart - 1 + count)) };
    }
    const page = listPage(effectiveStart, count);
    return { status: 200, body: renderList(page.total, effectiveStart, page.items.map(render)) };
  };

  const users = (method: string, id: string | undefined, url: URL, body: () => unknown): Outcome => {
    if (id === undefined) {
      if (method === 'GET') {
        return listOutcome(url, 'userName', SCHEMA_USER, (v) => store.getUserByUserName(v), (start, count) => store.listUsers(start, count), (u) => renderUser(u, basePath));
      }
      if (method === 'POST') {
        // Airtable "Create user": "On creation, the user will always be marked active".
        const fields = { ...userFieldsFromBody(body()), active: true };
        const user = store.createUser(fields);
        const resource = renderUser(user, basePath);
        return { status: 201, body: resource, headers: { location: new URL(`${basePath}/Users/${user.id}`, url).href } };
      }
      throw new HttpError(405, `${method} is not supported on /Users`);
    }
    const existing = store.getUser(id);
    if (!existing) {
      if (method === 'GET' || method === 'PUT' || method === 'PATCH' || method === 'DELETE') {
        throw new HttpError(404, `User not found: ${id}`);
      }
      throw new HttpError(405, `${method} is not supported on /Users/{id}`);
    }
    switch (method) {
      case 'GET':
        return { status: 200, body: renderUser(existing, basePath) };
      case 'PUT': {
        const user = store.updateUser(id, userFieldsFromBody(body()));
        if (!user) throw new HttpError(404, `User not found: ${id}`);
        return { status: 200, body: renderUser(user, basePath) };
      }
      case 'PATCH': {
        const user = patchUser(store, id, parsePatchRequest(body()));
        if (!user) throw new HttpError(404, `User not found: ${id}`);
        if (faults.config.patchNoContent) return { status: 204 };
        return { status: 200, body: renderUser(user, basePath) };
      }
      case 'DELETE': {
        const owner = store.getTokenOwner();
        if (owner !== null && owner.toLowerCase() === existing.userName.toLowerCase()) {
          throw new HttpError(422, 'You cannot delete yourself');
        }
        store.deleteUser(id);
        return { status: 204 };
      }
      default:
        throw new HttpError(405, `${method} is not supported on /Users/{id}`);
    }
  };

  const groups = (method: string, id: string | undefined, url: URL, body: () => unknown): Outcome => {
    if (id === undefined) {
      if (method === 'GET') {
        // Airtable lists groups without members (DESIGN.md); members come from GET /Groups/{id}.
        return listOutcome(url, 'displayName', SCHEMA_GROUP, (v) => store.getGroupByDisplayName(v), (start, count) => store.listGroups(start, count), (g) => renderGroup(g, basePath));
      }
      if (method === 'POST') {
        const parsed = parseWith(ZGroupBody, requireSchema(body(), SCHEMA_GROUP));
        const group = store.createGroup({ displayName: parsed.displayName, memberIds: (parsed.members ?? []).map((m) => m.value) });
        return { status: 201, body: renderGroup(group, basePath), headers: { location: new URL(`${basePath}/Groups/${group.id}`, url).href } };
      }
      throw new HttpError(405, `${method} is not supported on /Groups`);
    }
    // Airtable answers an unknown group id with 400 "invalid group ID", not 404 (DESIGN.md).
    const unknownGroup = (): HttpError => new HttpError(400, `Invalid group ID: ${id}`);
    switch (method) {
      case 'GET': {
        const group = store.getGroup(id);
        if (!group) throw unknownGroup();
        return { status: 200, body: renderGroup(group, basePath) };
      }
      case 'PUT': {
        if (!store.getGroupSummary(id)) throw unknownGroup();
        const parsed = parseWith(ZGroupBody, requireSchema(body(), SCHEMA_GROUP));
        store.transaction(() => {
          store.renameGroup(id, parsed.displayName);
          store.setGroupMembers(id, (parsed.members ?? []).map((m) => m.value));
        });
        const group = store.getGroup(id);
        if (!group) throw unknownGroup();
        return { status: 200, body: renderGroup(group, basePath) };
      }
      case 'PATCH': {
        if (!store.getGroupSummary(id)) throw unknownGroup();
        if (!patchGroup(store, id, parsePatchRequest(body()))) throw unknownGroup();
        if (faults.config.patchNoContent) return { status: 204 };
        const group = store.getGroup(id);
        if (!group) throw unknownGroup();
        return { status: 200, body: renderGroup(group, basePath) };
      }
      case 'DELETE':
        if (!store.deleteGroup(id)) throw unknownGroup();
        return { status: 204 };
      default:
        throw new HttpError(405, `${method} is not supported on /Groups/{id}`);
    }
  };

  const route = (method: string, scimPath: string, url: URL, bodyText: string): Outcome => {
    const match = /^\/(Users|Groups)(?:\/([^/]+))?\/?$/.exec(scimPath);
    if (!match) throw new HttpError(404, `No such endpoint: ${scimPath}`);
    const id = match[2] === undefined ? undefined : decodeURIComponent(match[2]);
    const body = (): unknown => parseJson(bodyText);
    return match[1] === 'Users' ? users(method, id, url, body) : groups(method, id, url, body);
  };

  const toResponse = (outcome: Outcome, decision: FaultDecision | null): Response => {
    const headers: Record<string, string> = { ...outcome.headers };
    if (outcome.body === undefined || outcome.status === 204) return new Response(null, { status: outcome.status, headers });
    headers['content-type'] = `${SCIM_CONTENT_TYPE}; charset=utf-8`;
    let text = JSON.stringify(outcome.body);
    // A truncated object never parses: at least its closing brace is gone.
    if (decision?.malformed && outcome.status === 200) text = text.slice(0, Math.max(1, Math.floor(text.length / 2)));
    return new Response(text, { status: outcome.status, headers });
  };

  const errorOutcome = (e: unknown): Outcome => {
    if (e instanceof HttpError) return { status: e.status, body: renderError(e.status, e.detail, e.scimType) };
    if (e instanceof PatchError) return { status: 400, body: renderError(400, e.message, e.scimType) };
    if (e instanceof SimConflictError) return { status: 409, body: renderError(409, e.message, 'uniqueness') };
    if (e instanceof SimUnknownUserError) return { status: 400, body: renderError(400, `Invalid member: ${e.userId} is not a user`, 'invalidValue') };
    log.error({ err: e }, 'airtable-sim: unexpected error');
    return { status: 500, body: renderError(500, 'Internal server error') };
  };

  const handle = async (req: Request): Promise<Response> => {
    const at = now();
    const method = req.method.toUpperCase();
    const url = new URL(req.url);
    const fullPath = url.pathname;
    const inBase = fullPath === basePath || fullPath.startsWith(`${basePath}/`);
    const scimPath = inBase ? fullPath.slice(basePath.length) || '/' : fullPath;
    const record: SimRequestRecord = { at, method, path: scimPath, status: 0 };
    if (url.search) record.query = url.search.slice(1);
    let bodyText = '';
    try {
      if (method !== 'GET' && method !== 'HEAD') {
        bodyText = await req.text();
        if (bodyText) record.bodyText = bodyText;
      }
    } catch {
      bodyText = '';
    }
    const finish = async (res: Response, status: number | 'dropped' = res.status): Promise<Response> => {
      record.status = status;
      requests.add(record);
      if (beforeRespond) {
        try {
          await beforeRespond(record);
        } catch (e) {
          log.error({ err: e }, 'airtable-sim: beforeRespond hook threw');
        }
      }
      return res;
    };

    if (!inBase) return finish(toResponse({ status: 404, body: renderError(404, `No such endpoint: ${fullPath}`) }, null));
    const token = bearerToken(req);
    if (token === null || (!tokens.has(token) && !forbidden.has(token))) {
      return finish(toResponse({ status: 401, body: renderError(401, 'Authentication required: invalid or missing bearer token') }, null));
    }
    // The bucket counts arrivals, so it is checked before any injected latency.
    if (!limiter.take(token, at)) return finish(toResponse(tooMany(), null));
    // Decide all faults before any await, so the PRNG sequence follows arrival order.
    const decision = faults.decide(method, scimPath, fullPath);
    if (decision.delayMs > 0) await sleep(decision.delayMs);
    if (decision.inject429) return finish(toResponse(tooMany(), null));
    if (decision.failRule) {
      const rule = decision.failRule;
      const headers: Record<string, string> = {};
      const retryAfter = faults.config.retryAfterSeconds;
      if (rule.status === 429 && retryAfter !== null) headers['retry-after'] = String(retryAfter);
      const ruleBody =
        rule.body !== undefined ? rule.body : renderError(rule.status, `Injected failure (${rule.status})`, undefined, rule.status === 429);
      return finish(toResponse({ status: rule.status, body: rule.status === 204 ? undefined : ruleBody, headers }, null));
    }
    if (decision.status5xx !== null) {
      const status = decision.status5xx;
      return finish(toResponse({ status, body: renderError(status, 'Injected server error') }, null));
    }
    if (forbidden.has(token)) {
      return finish(
        toResponse({ status: 403, body: renderError(403, 'Token lacks the enterprise.scim.usersAndGroups:manage scope') }, null),
      );
    }
    let outcome: Outcome;
    try {
      outcome = route(method, scimPath, url, bodyText);
    } catch (e) {
      outcome = errorOutcome(e);
    }
    if (decision.drop) {
      // The work is done and the answer is lost: the case that forces clients to be idempotent.
      const res = toResponse({ status: 502, body: renderError(502, 'Connection dropped (simulated)') }, null);
      droppedResponses.add(res);
      return finish(res, 'dropped');
    }
    return finish(toResponse(outcome, decision));
  };

  return {
    async handle(req: Request): Promise<Response> {
      try {
        return await handle(req);
      } catch (e) {
        return toResponse(errorOutcome(e), null);
      }
    },
    store,
    setBeforeRespond: (hook) => {
      beforeRespond = hook;
    },
    setFaults: (f) => faults.set(f),
    resetFaults: () => faults.reset(),
    faults: () => ({ ...faults.config, failNext: faults.config.failNext.map((r) => ({ ...r })) }),
    requestLog: () => requests.all(),
    countRequests: (filter) => requests.count(filter),
    clearRequestLog: () => requests.clear(),
    close: () => store.close(),
  };
}
