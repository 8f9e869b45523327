import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { getDb } from '@/db/client';
import { appSettings, snapshots } from '@/db/schema';
import { listAuditPage } from '@/lib/audit';
import { AppError } from '@/lib/errors';
import { useTempDatabase } from '@/tests/helpers/temp-database';
import {
  clearSetting,
  DEFAULT_SNAPSHOT_RETENTION,
  getCompanyDomains,
  getCompanyDomainsInfo,
  getSetting,
  getSnapshotRetention,
  isExternalEmail,
  setCompanyDomains,
  setSnapshotRetention,
} from './index';

const ADMIN = { id: 'a1', email: 'admin@example.com' };

function completeSnapshotWithEmails(emails: string[]): number {
  const now = new Date().toISOString();
  const row = getDb()
    .insert(snapshots)
    .values({ status: 'complete', startedAt: now, heartbeatAt: now, ownerPid: 1, ownerHost: 'h', startedByEmail: 'x', trigger: 'cli', source: 'env', baseUrl: 'u' })
    .returning()
    .get();
  const insert = getDb().$client.prepare('INSERT INTO snapshot_users (snapshot_id, scim_id, user_name, email, active, emails_json, raw_json) VALUES (?, ?, ?, ?, 1, ?, ?)');
  emails.forEach((e, i) => insert.run(row.id, `usr${i}`, e, e, '[]', '{}'));
  return row.id;
}

describe('settings', () => {
  useTempDatabase();

  it('company domains: inferred from the current snapshot until set, validated, normalised and audited', () => {
    expect(getCompanyDomainsInfo()).toEqual({ domains: [], source: 'none' });
    completeSnapshotWithEmails(['a@acme.example', 'b@acme.example', 'c@ACME.example', 'x@gmail.example', 'y@gmail.example']);
    expect(getCompanyDomainsInfo()).toEqual({ domains: ['acme.example'], source: 'inferred' });

    expect(setCompanyDomains(ADMIN, [' @Acme.Example ', 'acme-labs.example', 'acme.example'])).toEqual(['acme-labs.example', 'acme.example']);
    expect(getCompanyDomainsInfo()).toEqual({ domains: ['acme-labs.example', 'acme.example'], source: 'setting' });
    const audit = listAuditPage({ action: 'settings.updated' }, 1, 10).rows[0]!;
    expect(JSON.parse(audit.details)).toEqual({ before: null, after: ['acme-labs.example', 'acme.example'] });

    for (const bad of [[], ['not a domain'], ['localhost'], ['-bad.example'], ['a..b']]) {
      expect(() => setCompanyDomains(ADMIN, bad)).toThrow(AppError);
    }
    expect(getCompanyDomains()).toEqual(['acme-labs.example', 'acme.example']);
    expect(clearSetting(ADMIN, 'company.domains')).toBe(true);
    expect(getCompanyDomainsInfo().source).toBe('inferred');
  });

  it('external = not a company domain nor a subdomain of one', () => {
    const domains = ['acme.example'];
    expect(isExternalEmail('a@acme.example', domains)).toBe(false);
    expect(isExternalEmail('a@EU.Acme.Example', domains)).toBe(false);
    expect(isExternalEmail('a@notacme.example', domains)).toBe(true);
    expect(isExternalEmail('a@acme.example.evil', domains)).toBe(true);
    expect(isExternalEmail('a@acme.example', [])).toBe(false);
  });

  it('snapshot retention: default 12, validated, audited; a hand-edited bad value falls back to the default', () => {
    expect(getSnapshotRetention()).toBe(DEFAULT_SNAPSHOT_RETENTION);
    expect(setSnapshotRetention(ADMIN, 3)).toBe(3);
    expect(getSnapshotRetention()).toBe(3);
    expect(() => setSnapshotRetention(ADMIN, 0)).toThrow(/keep at least 1/);
    expect(() => setSnapshotRetention(ADMIN, 2.5)).toThrow(AppError);
    getDb().update(appSettings).set({ valueJson: '"many"' }).where(eq(appSettings.key, 'snapshot.retention')).run();
    expect(getSetting('snapshot.retention')).toBeNull();
    expect(getSnapshotRetention()).toBe(DEFAULT_SNAPSHOT_RETENTION);
  });
});
