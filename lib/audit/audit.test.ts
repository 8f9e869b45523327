import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { closeDb, getDb } from '@/db/client';
import { useTempDatabase } from '@/tests/helpers/temp-database';
import { appendAudit, verifyAuditLog } from './index';

const actor = { id: 'u1', email: 'admin@example.com' };

function seedRows(n: number): void {
  for (let i = 1; i <= n; i++) appendAudit({ actor, action: 'test.event', target: { type: 'thing', id: `t${i}` }, details: { i } });
}

/** Tamper like an attacker with the file would: drop the append-only triggers first. */
function tamper(path: string, sql: string): void {
  closeDb();
  const raw = new Database(path);
  raw.exec('DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete;');
  raw.exec(sql);
  raw.close();
}

describe('audit log chain', () => {
  const dbPath = useTempDatabase();

  it('verifies an intact chain', () => {
    seedRows(5);
    expect(verifyAuditLog()).toMatchObject({ ok: true, rows: 5 });
  });

  it('refuses UPDATE and DELETE through the database itself', () => {
    seedRows(2);
    const sqlite = getDb().$client;
    expect(() => sqlite.exec("UPDATE audit_log SET action = 'x' WHERE id = 1")).toThrow(/append-only/);
    expect(() => sqlite.exec('DELETE FROM audit_log WHERE id = 1')).toThrow(/append-only/);
  });

  it('catches an edited row and names it', () => {
    seedRows(5);
    tamper(dbPath(), `UPDATE audit_log SET details = '{"i":99}' WHERE id = 3`);
    expect(verifyAuditLog()).toMatchObject({ ok: false, brokenRowId: 3 });
  });

  it('catches an edited row whose hash was recomputed without relinking the next row', () => {
    seedRows(5);
    tamper(dbPath(), `UPDATE audit_log SET action = 'forged', hash = 'f' || substr(hash, 2) WHERE id = 2`);
    const verdict = verifyAuditLog();
    expect(verdict.ok).toBe(false);
    if (!verdict.ok) expect(verdict.brokenRowId).toBe(2);
  });

  it('catches a deleted row', () => {
    seedRows(5);
    tamper(dbPath(), 'DELETE FROM audit_log WHERE id = 3');
    expect(verifyAuditLog()).toMatchObject({ ok: false, brokenRowId: 4 });
  });

  it('catches reordered rows', () => {
    seedRows(5);
    // Swap the content of rows 2 and 3 (keeping ids in sequence) — the order of events changes.
    tamper(
      dbPath(),
      `CREATE TEMP TABLE r2 AS SELECT * FROM audit_log WHERE id = 2;
       CREATE TEMP TABLE r3 AS SELECT * FROM audit_log WHERE id = 3;
       UPDATE audit_log SET at = (SELECT at FROM r3), target_id = (SELECT target_id FROM r3), details = (SELECT details FROM r3), prev_hash = (SELECT prev_hash FROM r3), hash = (SELECT hash FROM r3) WHERE id = 2;
       UPDATE audit_log SET at = (SELECT at FROM r2), target_id = (SELECT target_id FROM r2), details = (SELECT details FROM r2), prev_hash = (SELECT prev_hash FROM r2), hash = (SELECT hash FROM r2) WHERE id = 3;`,
    );
    expect(verifyAuditLog()).toMatchObject({ ok: false, brokenRowId: 2 });
  });

  it('rolls the audit row back with the transaction it joined', () => {
    seedRows(1);
    expect(() =>
      getDb().transaction((tx) => {
        appendAudit({ actor, action: 'will.rollback' }, tx);
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(verifyAuditLog()).toMatchObject({ ok: true, rows: 1 });
  });
});
