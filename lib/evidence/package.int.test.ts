import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { getDb } from '@/db/client';
import { listAuditPage } from '@/lib/audit';
import { AppError } from '@/lib/errors';
import { collectText } from '@/lib/export';
import { bulkDecide, closeCampaign, createCampaignDraft, DEFAULT_ATTESTATION_STATEMENT, reassignItems, signOff } from '@/lib/review';
import { actor, addUser, campaignInput, seededStore } from '@/lib/review/testing';
import { useTempDatabase } from '@/tests/helpers/temp-database';
import {
  buildEvidenceManifest,
  EVIDENCE_FILE_NAMES,
  exportEvidenceFile,
  getEvidenceSummary,
  MANIFEST_FILE_NAME,
  streamEvidenceZip,
  verifyEvidence,
  writeEvidenceDirectory,
  writeEvidenceZip,
  type TEvidenceManifest,
} from './index';
import { ADMIN, csvObjects, csvRecords, decide, launchedCampaign, readZip, tempDir, type TLaunched, type TZipEntry } from './testing';

const FORMULA_NAME = '=HYPERLINK("http://evil.example","click")';
const SCRIPT_NAME = '<script>alert("x")</script>';
const JUSTIFICATION = '=1+1 <b>left the team</b>';
const SECOND = 'second@evidence.test';

type TFixture = TLaunched & { formulaUserId: string; revokedIds: number[]; undecidedIds: number[]; reassignedIds: number[] };

/**
 * A closed campaign with every kind of evidence: revokes (one of an account), certifications, two
 * undecided items, two reassigned items, a user and a group whose names are formulas and markup.
 */
function closedCampaignFixture(options: { close?: boolean } = {}): TFixture {
  const store = seededStore({ users: 40, groups: 6, seed: 3 });
  const group = store.createGroup({ displayName: '+SUM(A1:A9)' });
  const formulaUserId = addUser(store, { userName: 'formula@northwind.example', givenName: FORMULA_NAME, familyName: SCRIPT_NAME, groups: [group.id] });
  const launched = launchedCampaign({ store }, { undecidedAction: 'report' });
  store.close();
  const { campaignId, items } = launched;
  const memberships = items.filter((i) => i.kind === 'membership');
  const accounts = items.filter((i) => i.kind === 'account');
  const revoked = [...memberships.slice(0, 3), accounts.find((a) => a.userScimId === formulaUserId)!];
  const undecided = [memberships[3]!, memberships[4]!];
  const reassigned = [memberships[5]!, memberships[6]!];
  decide(campaignId, revoked, 'revoke', JUSTIFICATION);
  reassignItems(ADMIN, { campaignId, itemIds: reassigned.map((i) => i.id), toReviewerEmail: SECOND, reason: 'reviewer on leave' });
  // The second reviewer decides what they received and signs off; the first never signs off (two items stay undecided).
  bulkDecide(actor(SECOND), { campaignId, decision: 'certify', target: { itemIds: reassigned.map((i) => i.id) } });
  signOff(actor(SECOND), { campaignId, statement: DEFAULT_ATTESTATION_STATEMENT });
  const skip = new Set([...revoked, ...undecided, ...reassigned].map((i) => i.id));
  decide(campaignId, items.filter((i) => !skip.has(i.id)), 'certify');
  if (options.close ?? true) closeCampaign(ADMIN, campaignId);
  return { ...launched, formulaUserId, revokedIds: revoked.map((i) => i.id), undecidedIds: undecided.map((i) => i.id), reassignedIds: reassigned.map((i) => i.id) };
}

/** Tamper with the frozen snapshot the way only a database edit could (the gap the population check must reveal). */
function insertMembershipBehindTheLaunch(snapshotId: number, groupId: string, userId: string): void {
  getDb().$client.prepare('INSERT INTO snapshot_memberships (snapshot_id, group_id, user_id, member_display, orphan) VALUES (?, ?, ?, NULL, 0)').run(snapshotId, groupId, userId);
}

function entry(entries: TZipEntry[], name: string): Buffer {
  const found = entries.find((e) => e.name === name);
  if (!found) throw new Error(`${name} is not in the zip`);
  return found.data;
}

describe('the evidence package of a campaign', () => {
  useTempDatabase();
  const dirs: string[] = [];
  afterEach(() => void dirs.splice(0));

  async function zipOf(campaignId: number): Promise<{ path: string; entries: TZipEntry[]; manifest: TEvidenceManifest }> {
    const dir = tempDir();
    dirs.push(dir);
    const path = join(dir, 'evidence.zip');
    const manifest = await writeEvidenceZip(ADMIN, campaignId, path);
    return { path, entries: await readZip(path), manifest };
  }

  it('holds every file once, in order, with manifest.json last and describing each of them', async () => {
    const f = closedCampaignFixture();
    const { path, entries, manifest } = await zipOf(f.campaignId);
    expect(entries.map((e) => e.name)).toEqual([...EVIDENCE_FILE_NAMES, MANIFEST_FILE_NAME]);
    const inZip = JSON.parse(entry(entries, MANIFEST_FILE_NAME).toString('utf8')) as TEvidenceManifest;
    expect(inZip).toEqual(manifest);
    expect(manifest).toMatchObject({ campaignId: f.campaignId, campaignStatus: 'closed', inProgress: false, snapshotId: f.snapshotId, reconciliationId: null, hashAlgorithm: 'sha256' });
    expect(manifest.generator).toMatch(/^attest \d+\.\d+\.\d+/);
    for (const file of manifest.files) {
      const data = entry(entries, file.name);
      expect(file.sha256, file.name).toBe(createHash('sha256').update(data).digest('hex'));
      expect(file.bytes, file.name).toBe(data.length);
      if (file.name.endsWith('.csv')) expect(file.rows, file.name).toBe(csvRecords(data).length - 1);
      else expect(file.rows).toBeNull();
    }
    expect(await verifyEvidence(path)).toMatchObject({ ok: true, source: 'zip', problems: [] });
  });

  it('lists every review item exactly once in decisions.csv, with decisions, reassignments and remediation', async () => {
    const f = closedCampaignFixture();
    const { entries } = await zipOf(f.campaignId);
    const rows = csvObjects(entry(entries, 'decisions.csv'));
    expect(rows.map((r) => Number(r.item_id))).toEqual(f.items.map((i) => i.id).sort((a, b) => a - b));
    const byId = new Map(rows.map((r) => [Number(r.item_id), r]));
    for (const id of f.revokedIds) {
      expect(byId.get(id)).toMatchObject({ decision: 'revoke', decided_by: 'reviewer@evidence.test', remediation_status: 'pending', comment: `'${JUSTIFICATION}` });
    }
    for (const id of f.undecidedIds) expect(byId.get(id)).toMatchObject({ decision: 'undecided', decided_at: '', remediation_status: '' });
    for (const id of f.reassignedIds) {
      expect(byId.get(id)).toMatchObject({
        reviewer_email: SECOND,
        original_reviewer_email: 'reviewer@evidence.test',
        reviewer_reason: 'reassigned',
        decision: 'certify',
        decided_by: SECOND,
      });
    }
    expect(rows.filter((r) => r.decision === 'certify')).toHaveLength(f.items.length - 6);
    expect(rows.find((r) => r.kind === 'account')?.access).toBe('Airtable account');

    // One outbox row per revoke, queued by the close through lib/remediation, with the exact request.
    const outbox = csvObjects(entry(entries, 'remediation.csv'));
    expect(outbox.map((r) => Number(r.item_id)).sort((a, b) => a - b)).toEqual([...f.revokedIds].sort((a, b) => a - b));
    const account = outbox.find((r) => r.kind === 'deactivate_user')!;
    expect(account).toMatchObject({ request_method: 'PATCH', request_path: `/Users/${f.formulaUserId}`, status: 'pending' });
    expect(JSON.parse(account.request_body!)).toMatchObject({ Operations: [{ op: 'replace', path: 'active', value: false }] });
  });

  it('reconciles the population: population.csv covers the scope, each row names its item, and the counts agree with the items', async () => {
    const f = closedCampaignFixture();
    const { entries } = await zipOf(f.campaignId);
    const population = csvObjects(entry(entries, 'population.csv'));
    const users = population.filter((r) => r.record === 'user');
    const memberships = population.filter((r) => r.record === 'membership');
    const accounts = f.items.filter((i) => i.kind === 'account');
    // The seeded directory has deactivated users; the scope excludes them, and no item reviews them.
    expect(users.every((u) => u.active === 'true')).toBe(true);
    expect(users).toHaveLength(accounts.length);
    expect(memberships).toHaveLength(f.items.length - accounts.length);
    expect(new Set(population.map((r) => Number(r.review_item_id)))).toEqual(new Set(f.items.map((i) => i.id)));

    const report = entry(entries, 'report.html').toString('utf8');
    expect(report).toContain(`<tr class="total"><td>= users in scope</td><td class="num">${accounts.length}</td></tr>`);
    expect(report).toContain(`<tr class="total"><td>= memberships in scope</td><td class="num">${memberships.length}</td></tr>`);
    expect(report).toMatch(/The population is complete and accurate[^<]*<\/td><td><span class="ok">Yes/);
  });

  it.each([
    ['chosen groups', (groups: string[]) => ({ kind: 'groups' as const, groupIds: groups.slice(0, 2), includeInactive: false })],
    ['a department filter, deactivated users included', () => ({ kind: 'attributes' as const, departments: ['Engineering', 'Sales'], includeInactive: true })],
  ])('derives the same population as the launch for %s', async (_label, scopeOf) => {
    const store = seededStore({ users: 60, groups: 6, seed: 12 });
    const groups = store.allGroupsWithMembers().map((g) => g.id);
    const { campaignId, items } = launchedCampaign({ store }, { scope: scopeOf(groups) });
    store.close();
    decide(campaignId, items, 'certify');
    closeCampaign(ADMIN, campaignId);
    const { entries } = await zipOf(campaignId);
    const population = csvObjects(entry(entries, 'population.csv'));
    expect(population.length).toBe(items.length);
    expect(population.every((r) => r.review_item_id !== '')).toBe(true);
    const report = entry(entries, 'report.html').toString('utf8');
    expect(report).toMatch(/The population is complete and accurate[^<]*<\/td><td><span class="ok">Yes/);
    expect(report).toMatch(/− users outside the scope&#39;s (groups|department \/ cost center \/ division filter)<\/td><td class="num">[1-9]/);
  });

  it('shows a population gap when an access in scope has no item', async () => {
    const f = closedCampaignFixture();
    // A membership added to the frozen snapshot after the launch: in scope, but nobody reviewed it.
    const missing = f.items.find((i) => i.kind === 'account' && i.userScimId !== f.formulaUserId)!;
    const groupsOf = new Set(f.items.filter((i) => i.userScimId === missing.userScimId).map((i) => i.groupScimId));
    const group = f.items.find((i) => i.kind === 'membership' && !groupsOf.has(i.groupScimId))!;
    insertMembershipBehindTheLaunch(f.snapshotId, group.groupScimId!, missing.userScimId);
    const { entries } = await zipOf(f.campaignId);
    const report = entry(entries, 'report.html').toString('utf8');
    expect(report).toMatch(/The population is complete and accurate[^<]*<\/td><td><span class="bad">No — exception<\/span><\/td><td>1 difference/);
    expect(report).toContain('<td class="sub">memberships in scope without an item</td><td class="num"><span class="bad">1</span>');
    const row = csvObjects(entry(entries, 'population.csv')).find((r) => r.record === 'membership' && r.user_scim_id === missing.userScimId && r.group_scim_id === group.groupScimId);
    expect(row?.review_item_id).toBe('');
  });

  it('writes a self-contained printable report with the key sections, every revoke and the exceptions, all escaped', async () => {
    const f = closedCampaignFixture();
    const { entries } = await zipOf(f.campaignId);
    const html = entry(entries, 'report.html').toString('utf8');
    for (const id of ['summary', 'parameters', 'population', 'reviewers', 'revocations', 'exceptions', 'reconciliation', 'audit', 'files']) {
      expect(html, id).toContain(`<section id="${id}"`);
    }
    expect(html).toContain('@media print');
    expect(html).toContain('decisions are final');
    expect(html).not.toContain('IN PROGRESS');
    // Self-contained and inert: no script, no external resource, a CSP that forbids both.
    expect(html).not.toMatch(/<script|src=|<link|@import|url\(/i);
    expect(html).toContain(`content="default-src 'none'; style-src 'unsafe-inline'"`);
    // Attacker-controlled text arrives escaped.
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
    expect(html).toContain('=1+1 &lt;b&gt;left the team&lt;/b&gt;');
    expect(html).not.toContain('<b>left');
    // Every revoke is listed with its remediation request.
    const revocations = html.slice(html.indexOf('<section id="revocations"'), html.indexOf('<section id="exceptions"'));
    for (const id of f.revokedIds) expect(revocations).toContain(`<td class="num">${id}</td>`);
    expect(revocations).toContain(`PATCH /Users/${f.formulaUserId}`);
    const exceptions = html.slice(html.indexOf('<section id="exceptions"'), html.indexOf('<section id="reconciliation"'));
    expect(exceptions).toContain('Undecided items (2)');
    expect(exceptions).toContain('Reassignments (2 item moves)');
    expect(exceptions).toContain('Revocations not verified in Airtable (4)');
    expect(exceptions).toMatch(/Reviewers who did not sign off \(1\)<\/h3><table>.*reviewer@evidence\.test.*<\/table>/);
    const reviewers = html.slice(html.indexOf('<section id="reviewers"'), html.indexOf('<section id="revocations"'));
    expect(reviewers).toMatch(new RegExp(`${SECOND.replace('.', '\\.')}</td><td class="num">2</td><td class="num">2</td><td class="num">0</td><td class="num">0</td><td><span class="mono">20`));
    expect(reviewers).toContain('The campaign statement');
    expect(html).toContain('No reconciliation has been requested for this campaign yet');
    expect(html).toMatch(/Chain intact: \d+ rows/);
  });

  it('neutralises formulas in every CSV cell a spreadsheet would evaluate', async () => {
    const f = closedCampaignFixture();
    const { entries } = await zipOf(f.campaignId);
    const decisions = csvObjects(entry(entries, 'decisions.csv'));
    const account = decisions.find((r) => r.user_scim_id === f.formulaUserId && r.kind === 'account')!;
    expect(account.user).toBe(`'${FORMULA_NAME} ${SCRIPT_NAME}`);
    expect(decisions.find((r) => r.user_scim_id === f.formulaUserId && r.kind === 'membership')?.access).toBe("'+SUM(A1:A9)");
    const population = csvObjects(entry(entries, 'population.csv'));
    expect(population.find((r) => r.user_scim_id === f.formulaUserId && r.record === 'user')?.given_name).toBe(`'${FORMULA_NAME}`);
    for (const name of EVIDENCE_FILE_NAMES.filter((n) => n.endsWith('.csv'))) {
      for (const record of csvRecords(entry(entries, name))) {
        for (const cell of record) expect(/^[=+\-@\t\r]/.test(cell), `${name}: ${cell}`).toBe(false);
      }
    }
  });

  it('marks the package of an active campaign as in progress', async () => {
    const f = closedCampaignFixture({ close: false });
    const { entries, manifest } = await zipOf(f.campaignId);
    expect(manifest).toMatchObject({ campaignStatus: 'active', inProgress: true });
    const html = entry(entries, 'report.html').toString('utf8');
    expect(html).toContain('IN PROGRESS — this campaign is still active');
    expect(csvObjects(entry(entries, 'remediation.csv'))).toHaveLength(0);
  });

  it('writes the same files to a directory, and single-file downloads reproduce the CSVs byte for byte', async () => {
    const f = closedCampaignFixture();
    const { entries, manifest } = await zipOf(f.campaignId);
    const dir = join(tempDir(), 'package');
    const dirManifest = await writeEvidenceDirectory(ADMIN, f.campaignId, dir);
    expect(await verifyEvidence(dir)).toMatchObject({ ok: true, source: 'directory', verified: [...EVIDENCE_FILE_NAMES] });
    const separate = await buildEvidenceManifest(ADMIN, f.campaignId);
    for (const name of EVIDENCE_FILE_NAMES.filter((n) => n.endsWith('.csv'))) {
      const zipped = entry(entries, name);
      expect(readFileSync(join(dir, name)).equals(zipped), name).toBe(true);
      const single = exportEvidenceFile(f.campaignId, name);
      expect(single.fileName).toBe(name);
      expect(Buffer.from(await collectText(single.chunks), 'utf8').equals(zipped), name).toBe(true);
      const hash = (m: TEvidenceManifest) => m.files.find((x) => x.name === name)?.sha256;
      expect(hash(dirManifest), name).toBe(hash(manifest));
      expect(hash(separate), name).toBe(hash(manifest));
    }
    await expect(writeEvidenceDirectory(ADMIN, f.campaignId, dir)).rejects.toThrow(/not empty/);
  });

  it('anchors every manifest in the audit log with its SHA-256', async () => {
    const f = closedCampaignFixture();
    const { entries } = await zipOf(f.campaignId);
    const issued = listAuditPage({ action: 'evidence.manifest_issued' }, 1, 10).rows;
    expect(issued).toHaveLength(1);
    const details = JSON.parse(issued[0]!.details) as { manifestSha256: string };
    expect(details.manifestSha256).toBe(createHash('sha256').update(entry(entries, MANIFEST_FILE_NAME)).digest('hex'));
    expect(issued[0]).toMatchObject({ targetType: 'campaign', targetId: String(f.campaignId), actorEmail: ADMIN.email });
  });

  it('refuses a draft and an unknown campaign before streaming anything', () => {
    const store = seededStore({ users: 10, groups: 2 });
    const { snapshotId } = launchedCampaign({ store });
    store.close();
    const draft = createCampaignDraft(ADMIN, campaignInput(snapshotId, { name: 'not launched' }));
    const codeOf = (fn: () => unknown): string | undefined => {
      try {
        fn();
      } catch (err) {
        return err instanceof AppError ? err.code : 'other';
      }
      return undefined;
    };
    expect(codeOf(() => streamEvidenceZip(ADMIN, draft.id))).toBe('conflict');
    expect(codeOf(() => exportEvidenceFile(draft.id, 'decisions.csv'))).toBe('conflict');
    expect(codeOf(() => streamEvidenceZip(ADMIN, 9_999))).toBe('not_found');
    expect(getEvidenceSummary(draft.id)).toMatchObject({ available: false, files: [] });
    expect(getEvidenceSummary(9_999)).toBeNull();
  });

  it('stops generating when the download is cancelled', async () => {
    const f = closedCampaignFixture();
    const zip = streamEvidenceZip(ADMIN, f.campaignId);
    const first = await new Promise<Buffer>((resolve) => zip.stream.once('data', resolve));
    expect(first.subarray(0, 4).toString('hex')).toBe('504b0304');
    zip.stream.destroy();
    await expect(zip.done).rejects.toThrow(/cancelled/);
    expect(listAuditPage({ action: 'evidence.manifest_issued' }, 1, 10).total).toBe(0);
  });

  it('summarises the files for the campaign page with the row counts the package has', async () => {
    const f = closedCampaignFixture();
    const summary = getEvidenceSummary(f.campaignId)!;
    const { manifest } = await zipOf(f.campaignId);
    expect(summary).toMatchObject({ available: true, inProgress: false, status: 'closed', reconciliation: { state: 'none' } });
    expect(summary.files.map((x) => x.name)).toEqual([...EVIDENCE_FILE_NAMES, MANIFEST_FILE_NAME]);
    for (const file of manifest.files) expect(summary.files.find((x) => x.name === file.name)?.rows, file.name).toBe(file.rows);
  });
});
