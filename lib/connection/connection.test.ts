import { describe, expect, it } from 'vitest';
import { getDb } from '@/db/client';
import { verifyAuditLog } from '@/lib/audit';
import { listAuditPage } from '@/lib/audit/queries';
import { useTempDatabase } from '@/tests/helpers/temp-database';
import { clearConnection, getConnectionSummary, resolveConnection, saveConnection } from './index';
import { ZConnectionInput } from './validation';

const actor = { id: 'admin-1', email: 'admin@example.com' };
const TOKEN = 'patSecretToken.abcdef0123456789XYZ9';

describe('connection validation', () => {
  it.each([
    [{ baseUrl: 'not a url', token: 't' }, 'baseUrl', 'Enter a full URL'],
    [{ baseUrl: '', token: 't' }, 'baseUrl', 'Enter the SCIM base URL.'],
    [{ baseUrl: 'http://scim.example.com/v2', token: 't' }, 'baseUrl', 'Use https://'],
    [{ baseUrl: 'https://user:pw@scim.example.com/v2', token: 't' }, 'baseUrl', 'must not contain credentials'],
    [{ baseUrl: `https://a.example/${'x'.repeat(2100)}`, token: 't' }, 'baseUrl', 'too long'],
    [{ baseUrl: 'https://airtable.com/scim/v2', token: '   ' }, 'token', 'Enter the access token.'],
    [{ baseUrl: 'https://airtable.com/scim/v2', token: 'a b' }, 'token', 'must not contain spaces'],
    [{ baseUrl: 'https://airtable.com/scim/v2', token: 'x'.repeat(5000) }, 'token', 'too long'],
  ])('rejects %j with a message on %s', (input, field, message) => {
    const parsed = ZConnectionInput.safeParse(input);
    expect(parsed.success).toBe(false);
    const issue = parsed.error?.issues.find((i) => i.path[0] === field);
    expect(issue?.message).toContain(message);
  });

  it('accepts https and loopback http, and trims a trailing slash', () => {
    expect(ZConnectionInput.parse({ baseUrl: 'https://airtable.com/scim/v2/', token: 'tok' }).baseUrl).toBe('https://airtable.com/scim/v2');
    expect(ZConnectionInput.parse({ baseUrl: 'http://localhost:4100/scim/v2', token: 'tok' }).baseUrl).toBe('http://localhost:4100/scim/v2');
  });
});

describe('saved connection', () => {
  useTempDatabase();

  it('starts in demo mode', () => {
    expect(getConnectionSummary().source).toBe('demo');
  });

  it('stores only ciphertext, shows only the last 4 characters, and audits without the token', () => {
    const summary = saveConnection(actor, { baseUrl: 'https://airtable.com/scim/v2', token: TOKEN });
    expect(summary).toMatchObject({ source: 'saved', tokenLast4: 'XYZ9', baseUrl: 'https://airtable.com/scim/v2' });
    expect(JSON.stringify(summary)).not.toContain(TOKEN);

    const raw = getDb().$client.prepare('SELECT * FROM scim_connection').all();
    expect(JSON.stringify(raw)).not.toContain(TOKEN);
    expect(JSON.stringify(raw)).toContain('v1.');

    expect(resolveConnection()).toMatchObject({ source: 'saved', token: TOKEN });

    const audit = listAuditPage({ action: 'settings.connection_saved' }, 1, 10);
    expect(audit.total).toBe(1);
    expect(JSON.stringify(audit.rows)).not.toContain(TOKEN);
    expect(verifyAuditLog().ok).toBe(true);
  });

  it('clears the saved connection, and refuses to clear when none is saved', () => {
    saveConnection(actor, { baseUrl: 'https://airtable.com/scim/v2', token: TOKEN });
    expect(clearConnection(actor).source).toBe('demo');
    expect(() => clearConnection(actor)).toThrow('There is no saved connection to remove.');
  });
});
