import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { seedEnterprise, startSimServer } from '@/lib/airtable-sim';
import { listAuditPage } from '@/lib/audit/queries';
import { resetEnvForTests } from '@/lib/env';
import { useTempDatabase } from '@/tests/helpers/temp-database';
import { getConnectionSummary, saveConnection, testConnection } from './index';

const TOKEN = 'pat-connection-test-token.1234567890ab';
const actor = { id: 'admin-1', email: 'admin@example.com' };
let server: Awaited<ReturnType<typeof startSimServer>>;

beforeAll(async () => {
  server = await startSimServer({ tokens: [TOKEN], forbiddenTokens: ['pat-no-scope-token-000'], rateLimitPerSecond: 0 });
  seedEnterprise(server.sim.store, { seed: 3, users: 40, groups: 5 });
});
afterAll(() => server.close());

describe('Test connection over HTTP', () => {
  useTempDatabase();
  afterEach(() => {
    delete process.env.SCIM_TOKEN;
    delete process.env.SCIM_BASE_URL;
    resetEnvForTests();
  });

  it('reports reachable with what the token can see, for unsaved values', async () => {
    const result = await testConnection(actor, { baseUrl: server.url, token: TOKEN });
    expect(result).toMatchObject({ ok: true, totalUsers: 40, totalGroups: 5 });
    expect(listAuditPage({ action: 'settings.connection_tested' }, 1, 5).rows[0]?.details).toContain('"ok":true');
  });

  it('reports auth failed with the server message, and never echoes the token', async () => {
    const result = await testConnection(actor, { baseUrl: server.url, token: 'wrong-token-value-xyz' });
    expect(result).toMatchObject({ ok: false, kind: 'auth_failed', status: 401 });
    expect(JSON.stringify(result)).not.toContain('wrong-token-value-xyz');
  });

  it('reports forbidden for a token without the SCIM scope', async () => {
    expect(await testConnection(actor, { baseUrl: server.url, token: 'pat-no-scope-token-000' })).toMatchObject({ ok: false, kind: 'forbidden', status: 403 });
  });

  it('reports rate limited with the server message', async () => {
    server.sim.setFaults({ burst429: 2 });
    const result = await testConnection(actor, { baseUrl: server.url, token: TOKEN });
    server.sim.resetFaults();
    expect(result).toMatchObject({ ok: false, kind: 'rate_limited', status: 429 });
  });

  it('reports unreachable for a closed port', async () => {
    const result = await testConnection(actor, { baseUrl: 'http://127.0.0.1:9/scim/v2', token: TOKEN });
    expect(result).toMatchObject({ ok: false, kind: 'unreachable' });
  });

  it('tests the saved connection when no values are given, and the environment overrides it', async () => {
    saveConnection(actor, { baseUrl: server.url, token: TOKEN });
    expect(await testConnection(actor)).toMatchObject({ ok: true, source: 'saved', totalUsers: 40 });

    process.env.SCIM_BASE_URL = server.url;
    process.env.SCIM_TOKEN = 'env-token-that-is-wrong-0000';
    resetEnvForTests();
    expect(getConnectionSummary()).toMatchObject({ source: 'env', savedButOverridden: true, tokenLast4: '0000' });
    expect(await testConnection(actor)).toMatchObject({ ok: false, source: 'env', kind: 'auth_failed' });
  });
});
