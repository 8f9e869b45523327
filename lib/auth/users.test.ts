import { afterEach, describe, expect, it } from 'vitest';
import { listAuditPage } from '@/lib/audit/queries';
import { resetEnvForTests } from '@/lib/env';
import { useTempDatabase } from '@/tests/helpers/temp-database';
import { getAppUserByEmail } from './queries';
import { addUser, recordSignIn, setUserRole } from './users';

const system = { id: null, email: 'system' };

describe('app users and roles', () => {
  useTempDatabase();
  afterEach(() => {
    delete process.env.ADMIN_EMAILS;
    resetEnvForTests();
  });

  it('makes a first-time sign-in a reviewer and audits the sign-in', () => {
    const user = recordSignIn({ email: 'Pat.Reviewer@Example.com', name: 'Pat', method: 'oidc' });
    expect(user).toMatchObject({ email: 'pat.reviewer@example.com', role: 'reviewer' });
    expect(listAuditPage({ action: 'auth.sign_in' }, 1, 10).total).toBe(1);
  });

  it('promotes ADMIN_EMAILS to admin on sign-in', () => {
    process.env.ADMIN_EMAILS = 'boss@example.com';
    resetEnvForTests();
    expect(recordSignIn({ email: 'boss@example.com', name: null, method: 'oidc' }).role).toBe('admin');
  });

  it('keeps the role an admin gave on later sign-ins', () => {
    const admin = addUser(system, { email: 'root@example.com', name: null, role: 'admin' });
    const auditor = addUser({ id: admin.id, email: admin.email }, { email: 'aud@example.com', name: null, role: 'auditor' });
    expect(recordSignIn({ email: 'aud@example.com', name: 'Aud', method: 'oidc' }).role).toBe('auditor');
    expect(getAppUserByEmail('aud@example.com')?.id).toBe(auditor.id);
  });

  it('refuses to demote the last admin, and allows it once there is another', () => {
    const a = addUser(system, { email: 'a@example.com', name: null, role: 'admin' });
    expect(() => setUserRole(system, a.id, 'reviewer')).toThrow('This is the last admin');
    const b = addUser(system, { email: 'b@example.com', name: null, role: 'reviewer' });
    setUserRole(system, b.id, 'admin');
    expect(setUserRole(system, a.id, 'reviewer').role).toBe('reviewer');
    const changes = listAuditPage({ action: 'user.role_changed' }, 1, 10);
    expect(changes.total).toBe(2);
    expect(changes.rows[0]?.details).toContain('"before":"admin"');
  });

  it('refuses a duplicate email without writing anything', () => {
    addUser(system, { email: 'dup@example.com', name: null, role: 'auditor' });
    expect(() => addUser(system, { email: 'DUP@example.com', name: null, role: 'admin' })).toThrow('already exists');
    expect(listAuditPage({ action: 'user.added' }, 1, 10).total).toBe(1);
  });
});
