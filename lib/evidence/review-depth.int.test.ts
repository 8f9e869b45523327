import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  advanceStage,
  bulkDecide,
  closeCampaign,
  DEFAULT_ATTESTATION_STATEMENT,
  excludeItems,
  passOnAsNotSure,
  reassignItems,
  signOff,
  type TReviewItemRow,
} from '@/lib/review';
import { actor, inDays, seededStore } from '@/lib/review/testing';
import { useTempDatabase } from '@/tests/helpers/temp-database';
import { getEvidenceSummary, verifyEvidence, writeEvidenceZip, type TEvidenceManifest } from './index';
import { appConnection, DECISIONS_CSV_HEADER, readCampaign, STAGE_RESULT_COLUMNS } from './queries';
import {
  ADMIN,
  csvObjects,
  csvRecords,
  decide,
  insertRemediationRowFor,
  launchedCampaign,
  patchItem,
  readZip,
  REVIEWER,
  REVIEWER_ACTOR,
  tempDir,
  type TLaunched,
  type TZipEntry,
} from './testing';

/**
 * The evidence of campaign depth (issue #11): stages and each item's earlier-stage results,
 * exclusions, and separation of duties (who reviewed what instead of the natural reviewer, and
 * the self-review checks). Campaigns are driven through lib/review; states lib/review never writes
 * on purpose (a self-decision, an excluded item with an outbox row) are set directly.
 */

const SECOND = 'second@evidence.test';
const FALLBACK = 'fallback@evidence.test';
const HOSTILE_REASON = '=HYPERLINK("http://evil.example") <b>decommissioned</b>';

type TPackage = { manifest: TEvidenceManifest; path: string; html: string; decisions: Array<Record<string, string>>; header: string[]; entries: TZipEntry[] };

async function packageOf(campaignId: number): Promise<TPackage> {
  const path = join(tempDir(), 'evidence.zip');
  const manifest = await writeEvidenceZip(ADMIN, campaignId, path);
  const entries = await readZip(path);
  const file = (name: string) => entries.find((e) => e.name === name)!.data;
  const decisions = file('decisions.csv');
  return { manifest, path, entries, html: file('report.html').toString('utf8'), decisions: csvObjects(decisions), header: csvRecords(decisions)[0]! };
}

/** The HTML of one report section. */
function section(html: string, id: string): string {
  const start = html.indexOf(`<section id="${id}"`);
  expect(start, `section ${id}`).toBeGreaterThan(-1);
  return html.slice(start, html.indexOf('</section>', start));
}

const row = (label: string, value: number | string) => `<tr><td>${label}</td><td class="num">${value}</td></tr>`;

function small(seed = 3): TLaunched {
  const store = seededStore({ users: 30, groups: 4, seed });
  const launched = launchedCampaign({ store }, { undecidedAction: 'revoke' });
  store.close();
  return launched;
}

describe('evidence of stages, exclusions and separation of duties', () => {
  useTempDatabase();

  it('says so when a one-stage campaign excluded nothing and moved nothing, and adds the new decisions.csv columns empty', async () => {
    const { campaignId, items } = small();
    decide(campaignId, items, 'certify');
    signOff(REVIEWER_ACTOR, { campaignId, statement: DEFAULT_ATTESTATION_STATEMENT });
    closeCampaign(ADMIN, campaignId);
    const { html, decisions, header } = await packageOf(campaignId);

    for (const id of ['stages', 'exclusions', 'separation']) expect(html).toContain(`<section id="${id}"`);
    expect(section(html, 'exclusions')).toContain('None: no item was excluded from this campaign.');
    expect(section(html, 'summary')).toMatch(/No excluded item was remediated<\/td><td><span class="ok">Yes<\/span><\/td><td>No item was excluded/);
    expect(section(html, 'summary')).toContain(row('Excluded from the review (not decided, never remediated)', 0));

    const stages = section(html, 'stages');
    expect(stages).toContain('This campaign has one stage');
    expect(stages).toContain(`A fixed reviewer (${REVIEWER})`);
    expect(stages).toContain('Every item of the scope');

    const separation = section(html, 'separation');
    expect(separation).toContain('<tr class="total"><td>= items not with their natural reviewer</td><td class="num">0</td></tr>');
    expect(separation).toContain('None: no item was reassigned.');
    expect(separation).toContain('None: no reviewer passed an item on as not sure.');
    expect(separation).toMatch(/No item was decided by its own user<\/td><td><span class="ok">Yes/);
    // One stage: no earlier-stage check, no stage columns anywhere.
    expect(separation).not.toContain('earlier stage');
    expect(section(html, 'reviewers')).not.toContain('<th scope="col">Stage</th>');

    expect(header).toEqual([...DECISIONS_CSV_HEADER]);
    for (const r of decisions) {
      expect(r).toMatchObject({ stage: '1', awaiting_next_stage: 'false', not_sure_by: '', not_sure_comment: '', carried_over_from_campaign_id: '', excluded_reason: '', excluded_by: '', excluded_at: '' });
    }
  });

  it('lists every exclusion with its reason, who and when, as made and item by item, and never counts an excluded item as undecided or remediated', async () => {
    const { campaignId, items } = small(4);
    const group = items.find((i) => i.kind === 'membership')!;
    const groupItems = items.filter((i) => i.kind === 'membership' && i.groupScimId === group.groupScimId);
    const account = items.find((i) => i.kind === 'account' && i.userScimId !== group.userScimId)!;
    excludeItems(ADMIN, { campaignId, groupScimId: group.groupScimId!, reason: HOSTILE_REASON });
    excludeItems(ADMIN, { campaignId, itemIds: [account.id], reason: 'Service account, reviewed in the platform review' });
    const excluded = new Set([...groupItems.map((i) => i.id), account.id]);
    // Everything else decided; the excluded items stay undecided, and the close rule (revoke undecided) must not touch them.
    decide(campaignId, items.filter((i) => !excluded.has(i.id)), 'certify');
    closeCampaign(ADMIN, campaignId);
    const { html, decisions } = await packageOf(campaignId);

    const summary = section(html, 'summary');
    expect(summary).toContain(row('Undecided', 0));
    expect(summary).toContain(row('Excluded from the review (not decided, never remediated)', excluded.size));
    expect(summary).toMatch(/Every item was decided<\/td><td><span class="ok">Yes/);
    expect(summary).toMatch(new RegExp(`No excluded item was remediated</td><td><span class="ok">Yes</span></td><td>${excluded.size} excluded, 0 with a remediation request`));

    const x = section(html, 'exclusions');
    expect(x).toContain(`${excluded.size} items excluded. Remediation requests for excluded items: <span class="num"><span class="ok">0</span></span>.`);
    // As made: the group once, with its count; the account by its user. Attacker-controlled text escaped.
    expect(x).toContain(`<td>=HYPERLINK(&quot;http://evil.example&quot;) &lt;b&gt;decommissioned&lt;/b&gt;</td><td>Group: ${group.groupName}, ${groupItems.length} memberships</td><td class="num">${groupItems.length}</td>`);
    expect(x).toContain(`<td>Service account, reviewed in the platform review</td><td>Airtable account of ${account.userEmail}</td><td class="num">1</td>`);
    expect(x).not.toContain('<b>decommissioned');
    expect(x).toContain(`<td class="mono">${ADMIN.email}</td>`);
    for (const id of excluded) expect(x).toContain(`<td class="num">${id}</td>`);
    expect(x).toContain(`Excluded items (${excluded.size})`);

    const rows = new Map(decisions.map((r) => [Number(r.item_id), r]));
    for (const id of groupItems.map((i) => i.id)) {
      expect(rows.get(id)).toMatchObject({ decision: 'excluded', excluded_reason: `'${HOSTILE_REASON}`, excluded_by: ADMIN.email, remediation_id: '' });
      expect(rows.get(id)!.excluded_at).toMatch(/^\d{4}-\d\d-\d\dT/);
    }
    expect(rows.get(account.id)).toMatchObject({ decision: 'excluded', excluded_reason: 'Service account, reviewed in the platform review' });
    expect(decisions.filter((r) => r.excluded_reason === '').every((r) => r.decision === 'certify')).toBe(true);
  });

  it('flags an excluded item that has a remediation request', async () => {
    const { campaignId, items } = small(5);
    const account = items.find((i) => i.kind === 'account')!;
    excludeItems(ADMIN, { campaignId, itemIds: [account.id], reason: 'left before the review' });
    insertRemediationRowFor(campaignId, account);
    const { html } = await packageOf(campaignId);
    expect(section(html, 'summary')).toMatch(/No excluded item was remediated<\/td><td><span class="bad">No — exception<\/span><\/td><td>1 excluded, 1 with a remediation request/);
    const x = section(html, 'exclusions');
    expect(x).toContain('Remediation requests for excluded items: <span class="num"><span class="bad">1</span></span>');
    expect(x).toMatch(/<span class="bad">#\d+ queued<\/span>/);
  });

  it('counts every item moved away from its natural reviewer by reason, with the reassignment reasons, the not-sure passes and the self-review checks', async () => {
    const { campaignId, items } = small(6);
    const [selfA, selfB, nobody, moveA, moveB, moveC, unsure, carriedA, carriedB, carriedC] = items as [TReviewItemRow, ...TReviewItemRow[]];
    // What the launch writes when the rule picks the user themself or nobody (set directly: a fixed-reviewer campaign never does).
    for (const item of [selfA!, selfB!]) patchItem(item.id, { reviewer_email: FALLBACK, reviewer_reason: 'fallback_self_review' });
    patchItem(nobody!.id, { reviewer_email: FALLBACK, reviewer_reason: 'fallback_no_reviewer' });
    reassignItems(ADMIN, { campaignId, itemIds: [moveA!.id, moveB!.id], toReviewerEmail: SECOND, reason: 'reviewer on leave' });
    reassignItems(ADMIN, { campaignId, itemIds: [moveC!.id], toReviewerEmail: SECOND, reason: '<i>conflict of interest</i>' });
    passOnAsNotSure(REVIEWER_ACTOR, { campaignId, itemId: unsure!.id, expectedVersion: unsure!.version, comment: 'Who is this contractor?' });
    for (const item of [carriedA!, carriedB!, carriedC!]) patchItem(item.id, { carried_over_from_campaign_id: 1 });
    bulkDecide(REVIEWER_ACTOR, { campaignId, decision: 'revoke', comment: 'not needed', target: { itemIds: [carriedC!.id] } });
    const { html, decisions } = await packageOf(campaignId);

    const s = section(html, 'separation');
    expect(s).toContain(row('The rule picked the user themself: sent to the fallback reviewer (self-review avoided)', 2));
    expect(s).toContain(row('The rule found no reviewer: sent to the fallback reviewer', 1));
    expect(s).toContain(row('Reassigned by an admin (reasons below)', 3));
    expect(s).toContain(row('Passed on as &quot;not sure&quot; by their reviewer: sent to the fallback reviewer', 1));
    expect(s).toContain('<tr class="total"><td>= items not with their natural reviewer</td><td class="num">7</td></tr>');
    expect(s).toMatch(/<td>reviewer on leave<\/td><td class="num">2<\/td><td class="num">2<\/td><td class="mono">admin@northwind\.example<\/td>/);
    expect(s).toContain('<td>&lt;i&gt;conflict of interest&lt;/i&gt;</td><td class="num">1</td>');
    expect(s).toContain(`<td class="mono">${REVIEWER}</td><td class="mono">${FALLBACK}</td><td>Who is this contractor?</td>`);
    expect(s).toMatch(/No item is assigned to its own user<\/td><td><span class="ok">Yes/);
    expect(s).toMatch(/No item was decided by its own user<\/td><td><span class="ok">Yes/);
    expect(s).toContain('this campaign required deciding them one by one');
    expect(s).toContain(row('Carried over from an earlier campaign', 3));
    expect(s).toContain('<tr><td class="sub">of which certified again in this campaign</td><td class="num">0</td></tr>');

    expect(decisions.find((r) => Number(r.item_id) === unsure!.id)).toMatchObject({
      reviewer_email: FALLBACK,
      reviewer_reason: 'not_sure',
      not_sure_by: REVIEWER,
      not_sure_comment: 'Who is this contractor?',
      decision: 'undecided',
    });
    expect(decisions.filter((r) => r.carried_over_from_campaign_id === '1')).toHaveLength(3);

    // Certified carry-overs are counted; a self-decision (only a bug or an edit could make one) fails the check.
    bulkDecide(REVIEWER_ACTOR, { campaignId, decision: 'certify', target: { itemIds: [carriedA!.id, carriedB!.id] } });
    patchItem(carriedA!.id, { decided_by_email: carriedA!.userEmail });
    const again = await packageOf(campaignId);
    const s2 = section(again.html, 'separation');
    expect(s2).toContain('<tr><td class="sub">of which certified again in this campaign</td><td class="num">2</td></tr>');
    expect(s2).toMatch(/No item was decided by its own user<\/td><td><span class="bad">No — exception<\/span><\/td><td class="num">1<\/td>/);
    expect(section(again.html, 'summary')).toMatch(/Nobody was assigned or decided their own access<\/td><td><span class="bad">No — exception<\/span><\/td><td>0 self-assigned, 1 self-decided/);
  });

  it('reports a two-stage campaign: each stage, the earlier decisions per item in decisions.csv, and the queues of both stages', async () => {
    const store = seededStore({ users: 24, groups: 3, seed: 7 });
    const { campaignId, items } = launchedCampaign(
      { store },
      {
        reviewAccounts: true,
        reviewMemberships: false,
        laterStages: [{ reviewerRule: 'fixed', fixedReviewerEmail: SECOND, dueAt: inDays(45), advance: 'revoked', showPreviousDecisions: false }],
      },
    );
    store.close();
    const [revokedA, revokedB, revokedC, unsure, ...rest] = items as [TReviewItemRow, TReviewItemRow, TReviewItemRow, TReviewItemRow, ...TReviewItemRow[]];
    // Stage 1: three revoked, one passed on as not sure, the rest certified (and kept: only revokes go on).
    decide(campaignId, [revokedA, revokedB, revokedC], 'revoke', '=1+1 stage one says no');
    passOnAsNotSure(REVIEWER_ACTOR, { campaignId, itemId: unsure.id, expectedVersion: unsure.version, comment: 'Not my team' });
    decide(campaignId, rest, 'certify');
    signOff(REVIEWER_ACTOR, { campaignId, statement: DEFAULT_ATTESTATION_STATEMENT });
    // The last sign-off of a stage starts the next; an admin moves on otherwise.
    if (readCampaign(appConnection(), campaignId)!.currentStage === 1) advanceStage(ADMIN, campaignId);
    expect(readCampaign(appConnection(), campaignId)!.currentStage).toBe(2);
    // Stage 2: the second reviewer overrules one revoke, confirms two, certifies the unsure one.
    const second = actor(SECOND);
    bulkDecide(second, { campaignId, decision: 'certify', target: { itemIds: [revokedA.id, unsure.id] } });
    bulkDecide(second, { campaignId, decision: 'revoke', comment: 'confirmed', target: { itemIds: [revokedB.id, revokedC.id] } });
    signOff(second, { campaignId, statement: DEFAULT_ATTESTATION_STATEMENT });
    closeCampaign(ADMIN, campaignId);
    const pkg = await packageOf(campaignId);
    const { html, decisions, header } = pkg;

    // decisions.csv: the fixed columns, then stage 1's result for every item (stage 2 is the final decision).
    expect(header).toEqual([...DECISIONS_CSV_HEADER, ...STAGE_RESULT_COLUMNS.map((c) => `stage1_${c}`)]);
    const byId = new Map(decisions.map((r) => [Number(r.item_id), r]));
    expect(byId.get(revokedA.id)).toMatchObject({
      stage: '2',
      reviewer_email: SECOND,
      decision: 'certify',
      decided_by: SECOND,
      stage1_reviewer: REVIEWER,
      stage1_decision: 'revoke',
      stage1_comment: "'=1+1 stage one says no",
      stage1_decided_by: REVIEWER,
      stage1_passed_on: 'true',
      remediation_id: '',
    });
    expect(byId.get(revokedA.id)!.stage1_decided_at).toMatch(/^\d{4}-/);
    for (const item of [revokedB, revokedC]) expect(byId.get(item.id)).toMatchObject({ stage: '2', decision: 'revoke', stage1_decision: 'revoke', remediation_status: 'pending' });
    expect(byId.get(unsure.id)).toMatchObject({ stage: '2', decision: 'certify', stage1_decision: 'not_sure', stage1_not_sure_comment: 'Not my team', stage1_decided_by: '', stage1_passed_on: 'true' });
    for (const item of rest) {
      expect(byId.get(item.id)).toMatchObject({ stage: '1', reviewer_email: REVIEWER, decision: 'certify', stage1_reviewer: REVIEWER, stage1_decision: 'certify', stage1_passed_on: 'false' });
    }
    // Only the final revokes were remediated.
    const remediation = csvObjects(pkg.entries.find((e) => e.name === 'remediation.csv')!.data);
    expect(remediation.map((r) => Number(r.item_id)).sort((a, b) => a - b)).toEqual([revokedB.id, revokedC.id].sort((a, b) => a - b));

    const stages = section(html, 'stages');
    expect(stages).toContain('This campaign has 2 stages');
    expect(stages).toContain(`A fixed reviewer (${SECOND})`);
    expect(stages).toContain('From stage 1: only items revoked in the previous stage, and every item left undecided or passed on as &quot;not sure&quot;');
    expect(stages).toContain('No (independent review)');
    // Stage 1 as recorded when it ended: every item reviewed, the 3 revokes and the unsure one passed on.
    expect(stages).toMatch(new RegExp(`<tr><td class="num">1</td>.*?<td class="num">${items.length}</td><td class="num">4</td><td>Ended</td></tr>`));
    const perStage = stages.slice(stages.indexOf('Decisions per stage'));
    expect(perStage).toContain(
      `<tr><td class="num">1</td><td class="num">${items.length}</td><td class="num">${rest.length}</td><td class="num">3</td><td class="num">1</td><td class="num">0</td><td class="num">4</td><td>Recorded results of the ended stage</td></tr>`,
    );
    expect(perStage).toMatch(/<tr><td class="num">2<\/td><td class="num">4<\/td><td class="num">2<\/td><td class="num">2<\/td><td class="num">0<\/td><td class="num">0<\/td>/);

    // One queue per stage: the stage-1 reviewer accounts for every item they reviewed, including those passed on.
    const reviewers = section(html, 'reviewers');
    expect(reviewers).toContain('<th scope="col">Stage</th>');
    expect(reviewers).toMatch(
      new RegExp(`<tr><td class="num">1</td><td class="mono">${REVIEWER}</td><td class="num">${items.length}</td><td class="num">${rest.length}</td><td class="num">3</td><td class="num">1</td><td class="num">0</td><td><span class="mono">20`),
    );
    expect(reviewers).toMatch(new RegExp(`<tr><td class="num">2</td><td class="mono">${SECOND}</td><td class="num">4</td><td class="num">2</td><td class="num">2</td><td class="num">0</td><td class="num">0</td><td><span class="mono">20`));
    expect(section(html, 'summary')).toContain(row('Review stages', 2));
    expect(section(html, 'summary')).toMatch(/Every reviewer signed off<\/td><td><span class="ok">Yes/);
    expect(section(html, 'separation')).toContain(`<td class="mono">${REVIEWER}</td><td>the next stage</td><td>Not my team</td>`);
    expect(section(html, 'separation')).toMatch(/No result of an earlier stage was decided by the item’s own user<\/td><td><span class="ok">Yes/);

    // The package still verifies, and the campaign page counts the same rows.
    expect(await verifyEvidence(pkg.path)).toMatchObject({ ok: true, problems: [] });
    const summary = getEvidenceSummary(campaignId)!;
    for (const file of pkg.manifest.files) expect(summary.files.find((f) => f.name === file.name)?.rows, file.name).toBe(file.rows);
  });
});
