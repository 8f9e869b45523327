import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createScimClient, ScimError, type ScimClient } from '@/lib/scim';
import { captureLogger, drain, rejection, startSeededSim, TEST_TOKEN, type TSimServer } from './testing/fixtures';

/** Every place an error's text can surface. */
function errorTexts(err: unknown): string[] {
  expect(err).toBeInstanceOf(ScimError);
  const e = err as ScimError;
  const cause = e.cause as Error | undefined;
  return [e.message, String(e), e.stack ?? '', JSON.stringify(e), JSON.stringify(e.toJSON()), e.path, e.detail ?? '', String(cause ?? ''), cause?.stack ?? '', JSON.stringify(cause ?? null)];
}

describe('the token never leaks', () => {
  let server: TSimServer;
  const wrongToken = 'pat-WRONG-DISTINCTIVE-TOKEN.0011223344';

  beforeAll(async () => {
    server = await startSeededSim({ users: 150, groups: 10 }, { tokens: [TEST_TOKEN] });
  });
  afterEach(() => {
    server.sim.resetFaults();
  });
  afterAll(async () => {
    await server.close();
  });

  it('from errors of every kind, the events and every captured log line', async () => {
    const { logger, lines } = captureLogger();
    const events: unknown[] = [];
    const make = (token: string, extra: Partial<Parameters<typeof createScimClient>[0]> = {}): ScimClient =>
      createScimClient({ baseUrl: server.url, token, rateLimitPerSecond: 0, timeoutMs: 150, maxRetries: 1, backoffBaseMs: 1, backoffMaxMs: 5, defaultRetryAfterMs: 10, logger, onEvent: (e) => events.push(e), ...extra });
    const client = make(TEST_TOKEN);
    const errors: unknown[] = [];
    const userId = server.sim.store.allUsers()[0]!.id;

    errors.push(await rejection(make(wrongToken).getUser(userId))); // 401
    errors.push(await rejection(client.deactivateUser('usr00000000000000'))); // 404
    errors.push(await rejection(client.removeGroupMember('ugp00000000000000', userId))); // 400 group gone
    server.sim.setFaults({ rate5xx: 1 });
    errors.push(await rejection(client.getUser(userId))); // server
    server.sim.setFaults({ rate5xx: 0, dropConnectionRate: 1 });
    errors.push(await rejection(client.getUser(userId))); // network
    server.sim.setFaults({ dropConnectionRate: 0, malformedJsonRate: 1 });
    errors.push(await rejection(drain(client.listUsers()))); // protocol (truncated)
    server.sim.setFaults({ malformedJsonRate: 0, ignoreStartIndex: true });
    errors.push(await rejection(drain(client.listUsers()))); // protocol (repeated page)
    server.sim.setFaults({ ignoreStartIndex: false, burst429: 5, retryAfterSeconds: 0 });
    errors.push(await rejection(client.getUser(userId))); // rate_limited
    server.sim.setFaults({ burst429: 0, latencyMs: 400 });
    errors.push(await rejection(client.getUser(userId))); // timeout
    server.sim.resetFaults();
    // A server that echoes the token back in its error detail.
    server.sim.setFaults({ failNext: [{ status: 400, times: 1, body: { status: '400', detail: `bad token ${TEST_TOKEN} / Bearer ${TEST_TOKEN}` } }] });
    errors.push(await rejection(client.getUser(userId)));
    const echoed = await make(TEST_TOKEN).testConnection();
    server.sim.resetFaults();
    const failedTest = await make(wrongToken).testConnection();

    expect(errors.map((e) => (e as ScimError).kind)).toEqual([
      'unauthorized', 'not_found', 'not_found', 'server', 'network', 'protocol', 'protocol', 'rate_limited', 'timeout', 'bad_request',
    ]);
    expect(lines.length).toBeGreaterThan(10);
    const haystack = [...errors.flatMap(errorTexts), ...lines, JSON.stringify(events), JSON.stringify(echoed), JSON.stringify(failedTest)].join('\n');
    expect(haystack).not.toContain(TEST_TOKEN);
    expect(haystack).not.toContain(wrongToken);
    // The echo was scrubbed, not dropped.
    expect((errors[9] as ScimError).detail).toContain('[redacted]');
    expect(failedTest).toMatchObject({ ok: false, kind: 'auth_failed' });
  });
});
