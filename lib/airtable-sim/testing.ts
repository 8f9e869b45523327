import { startSimServer, type SimServer, type SimServerOptions } from './server';
import { SCHEMA_PATCH_OP } from './resources';

/**
 * Test helpers for code that talks to the simulator over real HTTP (vitest `*.int.test.ts`
 * anywhere in the repo may use them). Plain fetch, no mocking.
 */

export const TEST_TOKEN = 'test-token';

/** Start a simulator on a random port with `TEST_TOKEN` and no rate limit unless overridden. */
export function startTestSim(opts: Partial<SimServerOptions> = {}): Promise<SimServer> {
  return startSimServer({ tokens: [TEST_TOKEN], rateLimitPerSecond: 0, ...opts });
}

export type ScimReply = { status: number; headers: Headers; text: string; json: unknown };

/** A tiny SCIM caller bound to a base URL and token; `json` is null when the body is empty or not JSON. */
export function scimCaller(baseUrl: string, token: string | null = TEST_TOKEN) {
  const call = async (method: string, path: string, body?: unknown): Promise<ScimReply> => {
    const headers: Record<string, string> = { accept: 'application/scim+json' };
    if (token !== null) headers.authorization = `Bearer ${token}`;
    if (body !== undefined) headers['content-type'] = 'application/scim+json';
    const res = await fetch(`${baseUrl}${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await res.text();
    let json: unknown = null;
    try {
      json = text ? (JSON.parse(text) as unknown) : null;
    } catch {
      json = null;
    }
    return { status: res.status, headers: res.headers, text, json };
  };
  return {
    call,
    get: (path: string) => call('GET', path),
    post: (path: string, body: unknown) => call('POST', path, body),
    put: (path: string, body: unknown) => call('PUT', path, body),
    patch: (path: string, body: unknown) => call('PATCH', path, body),
    del: (path: string) => call('DELETE', path),
  };
}

/** A PatchOp body from operations. */
export function patchOp(...operations: Array<{ op: string; path?: string; value?: unknown }>): unknown {
  return { schemas: [SCHEMA_PATCH_OP], Operations: operations };
}

/** Read a property of an unknown JSON value by path (`get(json, 'Resources', 0, 'id')`). */
export function at(value: unknown, ...path: Array<string | number>): unknown {
  let cur: unknown = value;
  for (const key of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string | number, unknown>)[key];
  }
  return cur;
}
