import 'server-only';
import { verifyAuditLog } from '@/lib/audit';
import { formatCount, formatDateTime } from '@/lib/format';
import { REVIEWER_RULE_LABEL } from '@/lib/review/read';
import { STAGE_ADVANCE_LABEL, type TCampaignScope } from '@/lib/review/schemas';
import { stageCount, type TEvidenceContext } from './context';
import type { TFileContent } from './csv-files';
import { EVIDENCE_FILES, MANIFEST_FILE_NAME } from './catalogue';
import { esc, headerRow, HtmlChunker, td } from './html';
import {
  countChangedDecisions,
  countItemAuditRows,
  countReassignments,
  iterateCampaignAuditRows,
  iterateExcludedItems,
  iterateExclusionBatches,
  iterateItemList,
  iterateNotSureEvents,
  iterateReassignments,
  iterateReassignReasons,
  iterateRemediationExceptions,
  iterateRevocations,
  readDecisionCounts,
  readExclusionCounts,
  readGroupNames,
  readPopulationCounts,
  readRemediationCounts,
  readReviewers,
  readStageDecisionCounts,
  type TDecisionCounts,
  type TExclusionBatchRaw,
  type TExclusionCounts,
  type TItemListKind,
  type TPopulationCounts,
  type TRemediationCounts,
  type TReportItemRaw,
  type TReviewerRaw,
  type TRevocationRaw,
  type TStageDecisionCounts,
  type TStageRaw,
} from './queries';
import { isFlagged, reconciliationFindings, reconciliationInput, reconciliationState, summarizeFindings } from './reconciliation';
import type { TReconciliationCounts, TReconciliationResult } from './types';

/**
 * report.html: the printable summary an auditor reads first. Self-contained — inline CSS with
 * print rules, no scripts, no external assets (a Content-Security-Policy meta forbids them) — and
 * every value escaped. Written as it is read: lists (revocations, exceptions, audit rows) stream
 * from the package's read transaction in ~64 KB chunks.
 *
 * Unlike the CSV files, the report states when it was generated and the audit chain's status at
 * that moment, so two downloads of it differ; manifest.json holds the hash of the copy it was
 * generated with.
 */

const CSS = `
:root{color-scheme:light}
*{box-sizing:border-box}
body{font:10.5pt/1.45 system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;color:#111;background:#fff;margin:2rem auto;max-width:78rem;padding:0 1rem}
h1{font-size:1.7rem;margin:0 0 .2rem}
h2{font-size:1.3rem;border-bottom:2px solid #222;padding-bottom:.2rem;margin:2.2rem 0 .6rem}
h3{font-size:1.05rem;margin:1.4rem 0 .4rem}
p{margin:.3rem 0 .6rem}
table{border-collapse:collapse;width:100%;margin:.4rem 0 1rem;font-size:.92em}
th,td{border:1px solid #bbb;padding:.25rem .4rem;text-align:left;vertical-align:top;overflow-wrap:anywhere}
th{background:#eee;font-weight:600}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
td.sub{padding-left:1.6rem}
tr.total td{font-weight:700;border-top:2px solid #555}
.mono{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.88em;overflow-wrap:anywhere}
.muted{color:#555}
.banner{padding:.6rem .8rem;border:2px solid;margin:1rem 0;font-weight:600}
.banner.final{border-color:#1a7f37;background:#eafbea}
.banner.progress{border-color:#b35900;background:#fff4e5}
.ok{color:#1a7f37;font-weight:600}
.bad{color:#b00020;font-weight:600}
dl.kv{display:grid;grid-template-columns:17rem 1fr;gap:.15rem 1rem;margin:.4rem 0 1rem}
dl.kv dt{font-weight:600}
dl.kv dd{margin:0;overflow-wrap:anywhere}
nav.toc ol{columns:2;margin:.4rem 0}
footer{margin-top:2.5rem;border-top:1px solid #999;padding-top:.4rem;font-size:.85em;color:#444}
@media print{
  @page{margin:14mm}
  body{margin:0;max-width:none;font-size:8.5pt}
  section{break-before:page;page-break-before:always}
  section.first{break-before:auto;page-break-before:auto}
  thead{display:table-header-group}
  tr{break-inside:avoid;page-break-inside:avoid}
  h2,h3{break-after:avoid;page-break-after:avoid}
  nav.toc{display:none}
  .banner{border-width:3px}
}
`;

const SECTIONS = [
  ['summary', 'Summary and control checks'],
  ['parameters', 'Campaign parameters'],
  ['stages', 'Stages'],
  ['population', 'Population: source, completeness and accuracy'],
  ['exclusions', 'Exclusions'],
  ['reviewers', 'Reviewers and sign-offs'],
  ['separation', 'Separation of duties'],
  ['revocations', 'Revocations and remediation'],
  ['exceptions', 'Exceptions'],
  ['reconciliation', 'Access after remediation'],
  ['audit', 'Audit log'],
  ['files', 'Contents of this package'],
] as const;

const n = (v: number): string => formatCount(v);
const num = (v: number): string => `<td class="num">${esc(n(v))}</td>`;
/** A timestamp both as people read it and exactly. */
const when = (iso: string | null): string => (iso ? `${esc(formatDateTime(iso))} <span class="muted mono">(${esc(iso)})</span>` : '<span class="muted">—</span>');
const okBad = (ok: boolean, yes: string, no: string): string => (ok ? `<span class="ok">${esc(yes)}</span>` : `<span class="bad">${esc(no)}</span>`);

function kv(pairs: ReadonlyArray<readonly [string, string]>): string {
  return `<dl class="kv">${pairs.map(([k, v]) => `<dt>${esc(k)}</dt><dd>${v}</dd>`).join('')}</dl>`;
}

function table(labels: readonly string[], rows: Iterable<string>, empty: string): Generator<string, void, undefined> {
  return (function* () {
    let any = false;
    for (const row of rows) {
      if (row === '') continue;
      if (!any) yield `<table><thead>${headerRow(labels)}</thead><tbody>`;
      any = true;
      yield row;
    }
    yield any ? '</tbody></table>' : `<p class="muted">${esc(empty)}</p>`;
  })();
}

function* mapIter<T>(rows: Iterable<T>, fn: (row: T) => string): Generator<string, void, undefined> {
  for (const row of rows) yield fn(row);
}

function describeScope(ctx: TEvidenceContext, scope: TCampaignScope): string {
  const inactive = scope.includeInactive ? 'deactivated users included' : 'deactivated users excluded';
  if (scope.kind === 'all') return `All users of the snapshot (${inactive}).`;
  if (scope.kind === 'groups') {
    const names = readGroupNames(ctx.db, ctx.campaign.snapshotId, scope.groupIds);
    const list = scope.groupIds.map((id) => `${names.get(id) ?? '(unknown group)'} [${id}]`).join(', ');
    return `Members of ${scope.groupIds.length} group${scope.groupIds.length === 1 ? '' : 's'} and only those memberships: ${list} (${inactive}).`;
  }
  if (scope.kind === 'users') return `${scope.userIds.length} named user${scope.userIds.length === 1 ? '' : 's'} (for example the accounts flagged on the stale-accounts dashboard) (${inactive}).`;
  const parts: string[] = [];
  if (scope.departments.length > 0) parts.push(`department is one of ${scope.departments.join(', ')}`);
  if (scope.costCenters.length > 0) parts.push(`cost center is one of ${scope.costCenters.join(', ')}`);
  if (scope.divisions.length > 0) parts.push(`division is one of ${scope.divisions.join(', ')}`);
  return `Users whose ${parts.join(' and ')} (${inactive}).`;
}

const access = (r: { kind: string; groupName: string | null }): string => (r.kind === 'account' ? 'Airtable account' : `Group: ${r.groupName ?? '(unnamed)'}`);

function itemRow(r: TReportItemRaw): string {
  return `<tr>${td(r.id, 'num')}${td(r.user)}<td class="mono">${esc(r.userEmail)}</td>${td(access(r))}<td class="mono">${esc(r.reviewerEmail)}</td>${td(
    r.originalReviewerEmail !== r.reviewerEmail ? r.originalReviewerEmail : '',
  )}${td(r.decision ?? 'undecided')}${td(r.comment)}${td(`${r.recommendation}: ${r.recommendationReason}`)}</tr>`;
}
const ITEM_LABELS = ['Item', 'User', 'Email', 'Access', 'Reviewer', 'Original reviewer', 'Decision', 'Comment', 'Recommendation'];

function remediationCell(r: TRevocationRaw, closed: boolean): string {
  if (r.remediationId === null) return closed ? '<span class="bad">No remediation queued</span>' : '<span class="muted">Not queued yet (campaign in progress)</span>';
  const request = `<div class="mono">${esc(r.requestMethod)} ${esc(r.requestPath)}</div><div class="mono muted">${esc(r.requestBody)}</div>`;
  const status = r.remediationStatus === 'verified' ? `<span class="ok">verified</span>` : `<span class="bad">${esc(r.remediationStatus)}</span>`;
  const response = r.responseStatus === null ? '' : ` · HTTP ${esc(r.responseStatus)}`;
  return `${request}<div>#${esc(r.remediationId)} ${status}${response}</div>`;
}

function revocationRow(r: TRevocationRaw, closed: boolean): string {
  const decidedBy = r.decidedByRule === 1 ? `${r.decidedByEmail ?? ''} (close rule)` : (r.decidedByEmail ?? '');
  return `<tr>${td(r.id, 'num')}${td(r.user)}<td class="mono">${esc(r.userEmail)}</td>${td(access(r))}<td class="mono">${esc(decidedBy)}</td><td class="mono">${esc(
    r.decidedAt,
  )}</td>${td(r.comment)}<td>${remediationCell(r, closed)}</td><td class="mono">${esc(r.appliedAt)}</td><td class="mono">${esc(r.verifiedAt)}</td>${td(
    [r.verifyNote, r.lastError ? `error: ${r.lastError}` : null].filter(Boolean).join(' · '),
  )}</tr>`;
}
const REVOCATION_LABELS = ['Item', 'User', 'Email', 'Access', 'Decided by', 'Decided at', 'Justification', 'Remediation request and status', 'Applied at', 'Verified at', 'Verification note'];

type TFacts = {
  decisions: TDecisionCounts;
  population: TPopulationCounts;
  remediation: TRemediationCounts;
  reviewers: TReviewerRaw[];
  stages: number;
  stageDecisions: TStageDecisionCounts[];
  exclusions: TExclusionCounts;
  changedDecisions: number;
  reassignments: number;
  reconciliation: { counts: TReconciliationCounts; stored: TReconciliationResult | null } | null;
  chain: ReturnType<typeof verifyAuditLog>;
};

function populationGaps(p: TPopulationCounts, ctx: TEvidenceContext): number {
  const c = ctx.campaign;
  const accountGap = c.reviewAccounts ? p.items.usersWithoutAccountItem : 0;
  const membershipGap = c.reviewMemberships ? p.items.membershipsWithoutItem : 0;
  const unexpected = (c.reviewAccounts ? 0 : p.items.account) + (c.reviewMemberships ? 0 : p.items.membership);
  return accountGap + membershipGap + p.items.accountItemsOutsideScope + p.items.membershipItemsOutsideScope + p.items.duplicates + unexpected;
}

function* header(ctx: TEvidenceContext): Generator<string, void, undefined> {
  const c = ctx.campaign;
  yield `<!doctype html><html lang="en"><head><meta charset="utf-8">`;
  yield `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">`;
  yield `<meta name="viewport" content="width=device-width, initial-scale=1"><meta name="generator" content="${esc(ctx.generator)}">`;
  yield `<title>Access review evidence — ${esc(c.name)} (campaign #${esc(c.id)})</title><style>${CSS}</style></head><body>`;
  yield `<header><h1>Access review evidence</h1><p><strong>${esc(c.name)}</strong> · campaign #${esc(c.id)} · Airtable Enterprise over SCIM 2.0</p>`;
  yield c.status === 'closed'
    ? `<div class="banner final">Closed ${when(c.closedAt)} by <span class="mono">${esc(c.closedByEmail)}</span>: decisions are final.</div>`
    : `<div class="banner progress">IN PROGRESS — this campaign is still active. Decisions may change until it is closed; this package is not final evidence.</div>`;
  yield `<p class="muted">Generated ${when(ctx.generatedAt)} by ${esc(ctx.generator)}. Times are UTC.</p></header>`;
  yield `<nav class="toc"><ol>${SECTIONS.map(([id, title]) => `<li><a href="#${id}">${esc(title)}</a></li>`).join('')}</ol></nav>`;
}

function* summary(ctx: TEvidenceContext, f: TFacts): Generator<string, void, undefined> {
  const d = f.decisions;
  const c = ctx.campaign;
  // People, not queues: with several stages a reviewer has one queue per stage they reviewed in.
  const withItems = new Set(f.reviewers.filter((r) => r.items > 0).map((r) => r.reviewerEmail)).size;
  const notSigned = new Set(f.reviewers.filter((r) => r.items > 0 && r.signedAt === null).map((r) => r.reviewerEmail)).size;
  const gaps = populationGaps(f.population, ctx);
  const rec = reconciliationState(ctx.reconciliation);
  yield `<section id="summary" class="first"><h2>Summary and control checks</h2>`;
  yield `<table><thead>${headerRow(['Figure', 'Count'])}</thead><tbody>`;
  yield `<tr>${td('Access items reviewed')}${num(d.total)}</tr><tr>${td('of which Airtable accounts', 'sub')}${num(d.accounts)}</tr><tr>${td('of which group memberships', 'sub')}${num(d.memberships)}</tr>`;
  yield `<tr>${td('Certified')}${num(d.certified)}</tr><tr>${td('Revoked')}${num(d.revoked)}</tr><tr>${td('of which by the close rule (undecided at close)', 'sub')}${num(d.revokedByRule)}</tr><tr>${td('Undecided')}${num(d.undecided)}</tr><tr>${td('Excluded from the review (not decided, never remediated)')}${num(d.excluded)}</tr>`;
  if (f.stages > 1) yield `<tr>${td('Review stages')}${num(f.stages)}</tr>`;
  yield `<tr>${td('Reviewers')}${num(withItems)}</tr><tr>${td('of which signed off', 'sub')}${num(withItems - notSigned)}</tr>`;
  yield `<tr>${td('Revocations verified in Airtable')}${num(f.remediation.verified)}</tr></tbody></table>`;

  const recText =
    rec.state === 'none'
      ? 'No reconciliation requested yet'
      : rec.state === 'running'
        ? `Snapshot #${rec.snapshotId} still running`
        : rec.state === 'failed'
          ? `Failed: ${rec.error}`
          : f.reconciliation && f.reconciliation.counts.flagged === 0
            ? `Clean (snapshot #${rec.snapshotId})`
            : `${n(f.reconciliation?.counts.flagged ?? 0)} finding(s) flagged (snapshot #${rec.snapshotId})`;
  const checks: Array<[string, boolean, string]> = [
    ['The population is complete and accurate: every access in scope has exactly one review item, and no item is outside the scope', gaps === 0, gaps === 0 ? 'Reconciled' : `${n(gaps)} difference(s): see Population`],
    [
      'Nobody was assigned or decided their own access',
      d.selfAssigned === 0 && d.selfDecided === 0 && d.selfDecidedEarlierStages === 0,
      `${n(d.selfAssigned)} self-assigned, ${n(d.selfDecided)} self-decided${f.stages > 1 ? `, ${n(d.selfDecidedEarlierStages)} self-decided in earlier stages` : ''}: see Separation of duties`,
    ],
    ['Every item was decided', d.undecided === 0, d.undecided === 0 ? 'All decided' : `${n(d.undecided)} undecided: see Exceptions`],
    ['Every reviewer signed off', notSigned === 0, notSigned === 0 ? 'All signed off' : `${n(notSigned)} reviewer(s) did not sign off`],
    [
      'Every revocation was carried out and verified in Airtable',
      d.revoked === f.remediation.verified && f.remediation.revokesWithoutAction === 0,
      `${n(f.remediation.verified)} of ${n(d.revoked)} verified${f.remediation.revokesWithoutAction > 0 ? `, ${n(f.remediation.revokesWithoutAction)} never queued` : ''}`,
    ],
    [
      'No excluded item was remediated',
      f.exclusions.remediated === 0,
      f.exclusions.items === 0 ? 'No item was excluded' : `${n(f.exclusions.items)} excluded, ${n(f.exclusions.remediated)} with a remediation request: see Exclusions`,
    ],
    ['Access after remediation matches the decisions', f.reconciliation !== null && f.reconciliation.counts.flagged === 0, recText],
    ['The audit log chain is intact', f.chain.ok, f.chain.ok ? `${n(f.chain.rows)} rows verified` : `Broken at row ${f.chain.brokenRowId}`],
  ];
  yield `<h3>Control checks</h3><table><thead>${headerRow(['Check', 'Result', 'Detail'])}</thead><tbody>`;
  for (const [label, ok, detail] of checks) yield `<tr>${td(label)}<td>${okBad(ok, 'Yes', 'No — exception')}</td>${td(detail)}</tr>`;
  yield `</tbody></table>`;
  if (c.status !== 'closed') yield `<p class="bad">The campaign is in progress: these results are provisional.</p>`;
  yield `</section>`;
}

function* parameters(ctx: TEvidenceContext): Generator<string, void, undefined> {
  const c = ctx.campaign;
  const reviewed = [c.reviewAccounts ? 'Airtable accounts (revoke = deactivate the user)' : null, c.reviewMemberships ? 'Group memberships (revoke = remove the member)' : null]
    .filter(Boolean)
    .join('; ');
  yield `<section id="parameters"><h2>Campaign parameters</h2>`;
  yield kv([
    ['Name', esc(c.name)],
    ['Campaign id', esc(c.id)],
    ['Status', esc(c.status)],
    ['Scope', esc(describeScope(ctx, c.scope))],
    ['What is reviewed', esc(reviewed)],
    ['Reviewer rule', esc(REVIEWER_RULE_LABEL[c.reviewerRule])],
    ['Fixed reviewer', c.fixedReviewerEmail ? `<span class="mono">${esc(c.fixedReviewerEmail)}</span>` : '<span class="muted">—</span>'],
    ['Fallback reviewer', `<span class="mono">${esc(c.fallbackReviewerEmail)}</span>`],
    ['Due', when(c.dueAt)],
    ['Stages', stageCount(ctx) === 1 ? '1' : `${esc(stageCount(ctx))} (see Stages; the due date above is the current stage's)`],
    ['Carried-over certifications may be accepted in one step', c.allowCarryOverAccept ? 'Yes' : 'No'],
    ['A revoke needs a justification', c.revokeNeedsJustification ? 'Yes' : 'No'],
    ['Certifying a flagged item needs a comment', c.certifyFlaggedNeedsComment ? 'Yes' : 'No'],
    ['Undecided items at close', c.undecidedAction === 'revoke' ? 'Revoked by rule' : 'Left undecided and reported'],
    ['Revocations pushed as they are decided', c.revokeImmediately ? 'Yes' : 'No (after the close)'],
    ['Attestation statement', esc(c.attestationStatement)],
    ['Created', `${when(c.createdAt)} by <span class="mono">${esc(c.createdByEmail)}</span>`],
    ['Launched', c.launchedAt ? `${when(c.launchedAt)} by <span class="mono">${esc(c.launchedByEmail)}</span>` : '—'],
    ['Closed', c.closedAt ? `${when(c.closedAt)} by <span class="mono">${esc(c.closedByEmail)}</span>` : '<span class="bad">Not closed</span>'],
  ]);
  yield `</section>`;
}

function* population(ctx: TEvidenceContext, p: TPopulationCounts): Generator<string, void, undefined> {
  const s = ctx.snapshot;
  const c = ctx.campaign;
  const scope = c.scope;
  yield `<section id="population"><h2>Population: source, completeness and accuracy</h2>`;
  yield `<h3>Source</h3><p>The population is snapshot #${esc(s.id)}: a complete copy of the directory read over SCIM 2.0 and frozen before the campaign launched. Its digest is the SHA-256 of its canonical content; recompute it from the snapshot's JSON export.</p>`;
  yield kv([
    ['Snapshot', `#${esc(s.id)} (${esc(s.status)})`],
    ['Taken', `${when(s.startedAt)} – ${when(s.finishedAt)}`],
    ['Taken by', `<span class="mono">${esc(s.startedByEmail)}</span> (${esc(s.trigger)})`],
    ['SCIM base URL', `<span class="mono">${esc(s.baseUrl)}</span> (${esc(s.source)})`],
    ['SCIM requests', `${esc(n(s.requests))} (${esc(n(s.retries))} retries, ${esc(n(s.throttled))} throttled)`],
    ['Snapshot digest (SHA-256)', `<span class="mono">${esc(s.digest ?? 'none')}</span>`],
    ['Users', `${esc(n(p.users.total))} stored · ${esc(n(s.usersTotal ?? 0))} recorded at the crawl ${okBad(p.users.total === (s.usersTotal ?? -1), '(match)', '(MISMATCH)')}`],
    ['Groups', esc(n(s.groupsTotal ?? 0))],
    ['Memberships', `${esc(n(p.memberships.total))} stored · ${esc(n(s.membershipsCount))} recorded ${okBad(p.memberships.total === s.membershipsCount, '(match)', '(MISMATCH)')}`],
  ]);

  const line = (label: string, value: number, cls?: string): string => `<tr${cls === 'total' ? ' class="total"' : ''}>${td(label, cls === 'sub' ? 'sub' : undefined)}${num(value)}</tr>`;
  const gap = (label: string, value: number): string => `<tr>${td(label, 'sub')}<td class="num">${okBad(value === 0, n(value), n(value))}</td></tr>`;
  const excludedInactive = scope.includeInactive ? 0 : p.users.inactive;
  yield `<h3>Users → account items</h3><table><thead>${headerRow(['', 'Count'])}</thead><tbody>`;
  yield line(`Users in snapshot #${s.id}`, p.users.total);
  if (!scope.includeInactive) yield line('− deactivated users (the scope excludes them)', excludedInactive, 'sub');
  if (scope.kind !== 'all') yield line(`− users outside the scope's ${scope.kind === 'groups' ? 'groups' : scope.kind === 'users' ? 'list of named users' : 'department / cost center / division filter'}`, p.users.total - excludedInactive - p.users.inScope, 'sub');
  yield line('= users in scope', p.users.inScope, 'total');
  yield line(c.reviewAccounts ? 'Account items (expected: one per user in scope)' : 'Account items (accounts are not reviewed in this campaign: expected 0)', p.items.account);
  if (c.reviewAccounts) yield gap('users in scope without an account item', p.items.usersWithoutAccountItem);
  yield gap('account items whose user is not in scope', p.items.accountItemsOutsideScope);
  yield `</tbody></table>`;

  yield `<h3>Memberships → membership items</h3><table><thead>${headerRow(['', 'Count'])}</thead><tbody>`;
  yield line(`Memberships in snapshot #${s.id}`, p.memberships.total);
  yield line('− members that are not users of the snapshot (orphans: no account to review, kept in the snapshot as evidence)', p.memberships.orphan, 'sub');
  yield line('− memberships of users outside the scope', p.memberships.userOutOfScope, 'sub');
  if (scope.kind === 'groups') yield line('− memberships of users in scope in groups outside the scope', p.memberships.groupOutOfScope, 'sub');
  yield line('= memberships in scope', p.memberships.inScope, 'total');
  yield line(
    c.reviewMemberships ? 'Membership items (expected: one per membership in scope)' : 'Membership items (memberships are not reviewed in this campaign: expected 0)',
    p.items.membership,
  );
  if (c.reviewMemberships) yield gap('memberships in scope without an item', p.items.membershipsWithoutItem);
  yield gap('membership items whose membership is not in scope', p.items.membershipItemsOutsideScope);
  yield gap('items that repeat an access another item already reviews', p.items.duplicates);
  yield `</tbody></table>`;
  yield `<p>population.csv lists every user${c.reviewMemberships ? ' and membership' : ''} in scope with the id of the item that reviewed it; decisions.csv lists every item exactly once. Joining the two on <span class="mono">review_item_id</span> = <span class="mono">item_id</span> reproduces the counts above.</p>`;
  yield `</section>`;
}

function* reviewers(ctx: TEvidenceContext, rows: TReviewerRaw[]): Generator<string, void, undefined> {
  const statement = ctx.campaign.attestationStatement;
  // One stage: the table as it always was. Several: one queue per reviewer and stage, and what they passed on.
  const multi = stageCount(ctx) > 1;
  yield `<section id="reviewers"><h2>Reviewers and sign-offs</h2><p>Each reviewer attests the campaign's statement when every item assigned to them is decided; their decisions lock at that moment.${
    multi ? ' With several stages, each stage has its own queues and sign-offs; a stage that ended lists the items it passed on with the decision it gave them.' : ''
  }</p>`;
  yield* table(
    [
      ...(multi ? ['Stage'] : []),
      'Reviewer',
      'Items',
      'Certified',
      'Revoked',
      ...(multi ? ['Not sure (passed on)'] : []),
      'Undecided',
      'Signed off at',
      'Items at sign-off',
      'Statement attested',
    ],
    rows.map(
      (r) =>
        `<tr>${multi ? num(r.stage) : ''}<td class="mono">${esc(r.reviewerEmail)}</td>${num(r.items)}${num(r.certified)}${num(r.revoked)}${multi ? num(r.notSure) : ''}${num(r.undecided)}<td>${
          r.signedAt ? `<span class="mono">${esc(r.signedAt)}</span>` : r.items > 0 ? '<span class="bad">Not signed off</span>' : '—'
        }</td>${r.signedItemCount === null ? '<td></td>' : num(r.signedItemCount)}${td(r.statement === null ? '' : r.statement === statement ? 'The campaign statement' : r.statement)}</tr>`,
    ),
    'No reviewer has items in this campaign.',
  );
  yield `</section>`;
}

const STAGE_RULE = (rule: TStageRaw['reviewerRule'], fixed: string | null): string => `${REVIEWER_RULE_LABEL[rule]}${fixed ? ` (${fixed})` : ''}`;

/** The stages as recorded, or, for a campaign launched before stages were recorded, its one stage from the campaign row. */
function stageRows(ctx: TEvidenceContext): TStageRaw[] {
  if (ctx.stages.length > 0) return ctx.stages;
  const c = ctx.campaign;
  return [
    {
      stage: 1,
      reviewerRule: c.reviewerRule,
      fixedReviewerEmail: c.fixedReviewerEmail,
      dueAt: c.dueAt,
      advance: 'all',
      showPreviousDecisions: 0,
      startedAt: c.launchedAt,
      endedAt: c.closedAt,
      itemsReviewed: c.itemCount,
      itemsPassedOn: 0,
    },
  ];
}

function* stages(ctx: TEvidenceContext, f: TFacts): Generator<string, void, undefined> {
  const c = ctx.campaign;
  const rows = stageRows(ctx);
  const status = (s: TStageRaw): string => {
    if (s.endedAt) return 'Ended';
    if (!s.startedAt) return c.status === 'closed' ? 'Never started (closed before it)' : 'Not started';
    return c.status === 'closed' ? 'Ended with the close' : 'In progress';
  };
  // A stage's counts are recorded when it ends (the next stage starts, or the campaign closes): before that see "Decisions per stage".
  const recorded = (s: TStageRaw, value: number): string => (s.endedAt ? num(value) : '<td class="num muted">—</td>');
  const receives = (s: TStageRaw): string =>
    s.stage === 1 ? 'Every item of the scope' : `From stage ${s.stage - 1}: ${STAGE_ADVANCE_LABEL[s.advance]}, and every item left undecided or passed on as "not sure"`;
  yield `<section id="stages"><h2>Stages</h2>`;
  yield `<p>${
    rows.length === 1 ? 'This campaign has one stage: every item is reviewed once, by the reviewer its rule picks.' : `This campaign has ${esc(rows.length)} stages, each with its own reviewer rule and due date.`
  } A stage's result for each item is recorded when it ends; decisions.csv lists the result of every earlier stage next to the final decision (<span class="mono">stage1_decision</span>, <span class="mono">stage1_reviewer</span>, …).</p>`;
  if (ctx.stages.length === 0) yield `<p class="muted">No stage record: the campaign was launched before stages were recorded. Its one stage is described from the campaign itself.</p>`;
  yield* table(
    ['Stage', 'Reviewer rule', 'Items it receives', 'Earlier decisions shown', 'Due', 'Started', 'Ended', 'Items reviewed', 'Items passed on', 'Status'],
    rows.map(
      (s) =>
        `<tr>${num(s.stage)}${td(STAGE_RULE(s.reviewerRule, s.fixedReviewerEmail))}${td(receives(s))}${td(s.stage === 1 ? '—' : s.showPreviousDecisions === 1 ? 'Yes' : 'No (independent review)')}<td>${when(
          s.dueAt,
        )}</td><td>${when(s.startedAt)}</td><td>${when(s.endedAt)}</td>${recorded(s, s.itemsReviewed)}${recorded(s, s.itemsPassedOn)}${td(status(s))}</tr>`,
    ),
    'No stage.',
  );
  yield `<h3>Decisions per stage</h3><p>An ended stage is counted from its recorded results; a stage that has not ended (or the last one) from the items at that stage. Excluded items are not counted.</p>`;
  yield* table(
    ['Stage', 'Items', 'Certified', 'Revoked', 'Not sure (passed on)', 'Undecided', 'Passed on to the next stage', 'Counted from'],
    f.stageDecisions.map(
      (s) =>
        `<tr>${num(s.stage)}${num(s.items)}${num(s.certified)}${num(s.revoked)}${num(s.notSure)}${num(s.undecided)}${num(s.passedOn)}${td(
          s.source === 'results' ? 'Recorded results of the ended stage' : 'Items at this stage',
        )}</tr>`,
    ),
    'No item has a decision yet.',
  );
  yield `</section>`;
}

function exclusionWhat(b: TExclusionBatchRaw): string {
  if (b.kind === 'account') return b.items === 1 ? `Airtable account of ${b.userEmail}` : `${n(b.items)} Airtable accounts`;
  const group = `Group: ${b.groupName ?? b.groupScimId ?? '(unnamed)'}`;
  return b.items === 1 ? `${group}, membership of ${b.userEmail}` : `${group}, ${n(b.items)} memberships`;
}

function* exclusions(ctx: TEvidenceContext, f: TFacts): Generator<string, void, undefined> {
  const x = f.exclusions;
  const closed = ctx.campaign.status === 'closed';
  yield `<section id="exclusions"><h2>Exclusions</h2>`;
  yield `<p>Items an admin took out of the review, with the reason given. An excluded item leaves every reviewer's queue, counts as neither decided nor undecided, and is never revoked or remediated; decisions.csv keeps it with <span class="mono">excluded_reason</span>, <span class="mono">excluded_by</span> and <span class="mono">excluded_at</span>.</p>`;
  if (x.items === 0) {
    yield `<p>None: no item was excluded from this campaign.</p></section>`;
    return;
  }
  yield `<p>${esc(n(x.items))} item${x.items === 1 ? '' : 's'} excluded. Remediation requests for excluded items: <span class="num">${okBad(x.remediated === 0, '0', n(x.remediated))}</span>.${
    x.decided > 0 ? ` ${esc(n(x.decided))} carried a decision made before the exclusion; it has no effect.` : ''
  }</p>`;
  yield `<h3>Exclusions as made</h3>`;
  yield* table(
    ['Excluded at', 'By', 'Reason', 'What', 'Items'],
    mapIter(
      iterateExclusionBatches(ctx.db, ctx.campaign.id),
      (b) => `<tr><td class="mono">${esc(b.at)}</td><td class="mono">${esc(b.byEmail)}</td>${td(b.reason)}${td(exclusionWhat(b))}${num(b.items)}</tr>`,
    ),
    'None.',
  );
  yield `<h3>Excluded items (${esc(n(x.items))})</h3>`;
  yield* table(
    ['Item', 'User', 'Email', 'Access', 'Reviewer', 'Reason', 'By', 'At', 'Remediation'],
    mapIter(
      iterateExcludedItems(ctx.db, ctx.campaign.id),
      (r) =>
        `<tr>${td(r.id, 'num')}${td(r.user)}<td class="mono">${esc(r.userEmail)}</td>${td(access(r))}<td class="mono">${esc(r.reviewerEmail)}</td>${td(r.reason)}<td class="mono">${esc(
          r.byEmail,
        )}</td><td class="mono">${esc(r.at)}</td><td>${r.remediationId === null ? (closed ? 'None' : '—') : `<span class="bad">#${esc(r.remediationId)} queued</span>`}</td></tr>`,
    ),
    'None.',
  );
  yield `</section>`;
}

function* separation(ctx: TEvidenceContext, f: TFacts): Generator<string, void, undefined> {
  const d = f.decisions;
  const c = ctx.campaign;
  const moved = d.fallbackSelfReview + d.fallbackNoReviewer + d.reassigned + d.notSure;
  yield `<section id="separation"><h2>Separation of duties</h2>`;
  yield `<p>An item's natural reviewer is the person its stage's reviewer rule picks. An item goes to someone else only for the reasons below, and nobody may decide their own access. Counts are each item's assignment in the stage it is at (or ended at); the item lists are under Exceptions, and every reassignment and "not sure" of every stage is listed below.</p>`;
  yield `<table><thead>${headerRow(['Why the item went to someone other than its natural reviewer', 'Items'])}</thead><tbody>`;
  yield `<tr>${td('The rule picked the user themself: sent to the fallback reviewer (self-review avoided)')}${num(d.fallbackSelfReview)}</tr>`;
  yield `<tr>${td('The rule found no reviewer: sent to the fallback reviewer')}${num(d.fallbackNoReviewer)}</tr>`;
  yield `<tr>${td('Reassigned by an admin (reasons below)')}${num(d.reassigned)}</tr>`;
  yield `<tr>${td('Passed on as "not sure" by their reviewer: sent to the fallback reviewer')}${num(d.notSure)}</tr>`;
  yield `<tr class="total">${td('= items not with their natural reviewer')}${num(moved)}</tr></tbody></table>`;

  yield `<h3>Checks</h3><table><thead>${headerRow(['Check', 'Result', 'Count'])}</thead><tbody>`;
  yield `<tr>${td('No item is assigned to its own user')}<td>${okBad(d.selfAssigned === 0, 'Yes', 'No — exception')}</td>${num(d.selfAssigned)}</tr>`;
  yield `<tr>${td('No item was decided by its own user')}<td>${okBad(d.selfDecided === 0, 'Yes', 'No — exception')}</td>${num(d.selfDecided)}</tr>`;
  if (f.stages > 1) {
    yield `<tr>${td('No result of an earlier stage was decided by the item’s own user')}<td>${okBad(d.selfDecidedEarlierStages === 0, 'Yes', 'No — exception')}</td>${num(
      d.selfDecidedEarlierStages,
    )}</tr>`;
  }
  yield `</tbody></table>`;

  yield `<h3>Reasons given for reassignments</h3>`;
  yield* table(
    ['Reason', 'Item moves', 'Items', 'By', 'First', 'Last'],
    mapIter(
      iterateReassignReasons(ctx.db, c.id),
      (r) =>
        `<tr>${td(r.reason ?? '(no reason given)')}${num(r.moves)}${num(r.items)}<td class="mono">${esc(r.actors.split(',').join(', '))}</td><td class="mono">${esc(
          r.firstAt,
        )}</td><td class="mono">${esc(r.lastAt)}</td></tr>`,
    ),
    'None: no item was reassigned.',
  );

  yield `<h3>Passed on as "not sure"</h3>`;
  yield* table(
    ['Event', 'Item', 'User', 'Access', 'Not sure', 'Passed to', 'Comment', 'At'],
    mapIter(
      iterateNotSureEvents(ctx.db, c.id),
      (e) =>
        `<tr>${td(e.eventId, 'num')}${td(e.itemId, 'num')}<td class="mono">${esc(e.userEmail)}</td>${td(access(e))}<td class="mono">${esc(e.actorEmail)}</td>${
          e.reviewerAfter ? `<td class="mono">${esc(e.reviewerAfter)}</td>` : td('the next stage')
        }${td(e.comment)}<td class="mono">${esc(e.at)}</td></tr>`,
    ),
    'None: no reviewer passed an item on as not sure.',
  );

  yield `<h3>Carried-over certifications</h3>`;
  yield `<p>Items certified in the previous campaign and unchanged since are marked as carried over; ${
    c.allowCarryOverAccept ? 'this campaign let reviewers accept them all in one reviewed step' : 'this campaign required deciding them one by one'
  }.</p>`;
  yield `<table><thead>${headerRow(['Figure', 'Items'])}</thead><tbody>`;
  yield `<tr>${td('Carried over from an earlier campaign')}${num(d.carriedOver)}</tr>`;
  yield `<tr>${td('of which certified again in this campaign', 'sub')}${num(d.carriedOverCertified)}</tr></tbody></table>`;
  yield `</section>`;
}

function* revocations(ctx: TEvidenceContext, f: TFacts): Generator<string, void, undefined> {
  const closed = ctx.campaign.status === 'closed';
  const r = f.remediation;
  yield `<section id="revocations"><h2>Revocations and remediation</h2>`;
  yield `<p>Every revoke with its justification and what Attest sent to Airtable: the exact SCIM request, the response status, and the verifying read. Outbox: ${esc(n(r.verified))} verified, ${esc(
    n(r.applied),
  )} applied (not yet verified), ${esc(n(r.pending + r.in_flight))} pending or in flight, ${esc(n(r.failed))} failed${r.revokesWithoutAction > 0 ? `, ${esc(n(r.revokesWithoutAction))} revokes never queued` : ''}.</p>`;
  yield* table(REVOCATION_LABELS, mapIter(iterateRevocations(ctx.db, ctx.campaign.id), (row) => revocationRow(row, closed)), 'No access was revoked in this campaign.');
  yield `</section>`;
}

function* exceptions(ctx: TEvidenceContext, f: TFacts): Generator<string, void, undefined> {
  const d = f.decisions;
  const c = ctx.campaign;
  const closed = c.status === 'closed';
  const list = (kind: TItemListKind, empty: string) => table(ITEM_LABELS, mapIter(iterateItemList(ctx.db, c.id, kind), itemRow), empty);
  yield `<section id="exceptions"><h2>Exceptions</h2>`;
  yield `<h3>Undecided items (${esc(n(d.undecided))})</h3>`;
  if (d.undecided > 0 && closed) yield `<p>The campaign closed with the rule "${c.undecidedAction === 'revoke' ? 'revoke undecided items' : 'report undecided items'}".</p>`;
  yield* list('undecided', 'None: every item was decided.');

  const openRemediation = f.remediation.pending + f.remediation.in_flight + f.remediation.applied + f.remediation.failed + (closed ? f.remediation.revokesWithoutAction : 0);
  yield `<h3>Revocations not verified in Airtable (${esc(n(openRemediation))})</h3>`;
  yield* table(
    REVOCATION_LABELS,
    mapIter(iterateRemediationExceptions(ctx.db, c.id), (row) => (closed || row.remediationId !== null ? revocationRow(row, closed) : '')),
    'None: every revocation was applied and verified.',
  );

  yield `<h3>Items sent to the fallback reviewer because the rule found no reviewer (${esc(n(d.fallbackNoReviewer))})</h3>`;
  yield* list('fallback_no_reviewer', 'None.');
  yield `<h3>Self-review avoided: items the rule would have given to their own user, sent to the fallback reviewer (${esc(n(d.fallbackSelfReview))})</h3>`;
  yield* list('fallback_self_review', 'None.');
  yield `<h3>Reassignments (${esc(n(f.reassignments))} item moves)</h3>`;
  yield* table(
    ['Event', 'Item', 'User', 'Access', 'From', 'To', 'Reason', 'By', 'At'],
    mapIter(
      iterateReassignments(ctx.db, c.id),
      (e) =>
        `<tr>${td(e.eventId, 'num')}${td(e.itemId, 'num')}<td class="mono">${esc(e.userEmail)}</td>${td(access(e))}<td class="mono">${esc(e.reviewerBefore)}</td><td class="mono">${esc(
          e.reviewerAfter,
        )}</td>${td(e.reason)}<td class="mono">${esc(e.actorEmail)}</td><td class="mono">${esc(e.at)}</td></tr>`,
    ),
    'None: no item changed reviewer.',
  );
  yield `<h3>Certified although Attest recommended revoking (${esc(n(d.certifiedAgainstRevokeRecommendation))})</h3>`;
  yield* list('certified_against_revoke', 'None.');
  yield `<h3>Other observations</h3><table><thead>${headerRow(['Observation', 'Count'])}</thead><tbody>`;
  yield `<tr>${td('Revoked by the close rule (undecided at close; listed under Revocations as "close rule")')}${num(d.revokedByRule)}</tr>`;
  yield `<tr>${td('Decided after the due date')}${num(d.decidedLate)}</tr>`;
  yield `<tr>${td('Items whose decision was changed or undone before it became final (history in the audit log)')}${num(f.changedDecisions)}</tr>`;
  yield `<tr>${td('Items assigned to their own user')}<td class="num">${okBad(d.selfAssigned === 0, '0', n(d.selfAssigned))}</td></tr>`;
  yield `<tr>${td('Items decided by their own user')}<td class="num">${okBad(d.selfDecided === 0, '0', n(d.selfDecided))}</td></tr>`;
  if (f.stages > 1) yield `<tr>${td('Earlier-stage results decided by the item’s own user')}<td class="num">${okBad(d.selfDecidedEarlierStages === 0, '0', n(d.selfDecidedEarlierStages))}</td></tr>`;
  yield `</tbody></table>`;
  const multi = f.stages > 1;
  const missing = f.reviewers.filter((r) => r.items > 0 && r.signedAt === null);
  yield `<h3>Reviewers who did not sign off (${esc(n(missing.length))})</h3>`;
  yield* table(
    [...(multi ? ['Stage'] : []), 'Reviewer', 'Items', 'Undecided'],
    missing.map((r) => `<tr>${multi ? num(r.stage) : ''}<td class="mono">${esc(r.reviewerEmail)}</td>${num(r.items)}${num(r.undecided)}</tr>`),
    'None.',
  );
  yield `</section>`;
}

function* reconciliationSection(ctx: TEvidenceContext, f: TFacts): Generator<string, void, undefined> {
  const state = reconciliationState(ctx.reconciliation);
  yield `<section id="reconciliation"><h2>Access after remediation</h2>`;
  yield `<p>A fresh snapshot taken after the close is compared with the decisions for the users in scope: every revoked access must be gone, and any other access change since the review is listed as changed unexpectedly (attribute changes are listed in reconciliation.csv but grant or remove no access).</p>`;
  if (state.state === 'none') {
    yield `<p class="bad">No reconciliation has been requested for this campaign yet: this package holds no evidence of the access after remediation, and reconciliation.csv is empty.</p></section>`;
    return;
  }
  yield kv([
    ['Reconciliation', `#${esc(state.reconciliationId)} requested ${when(state.requestedAt)} by <span class="mono">${esc(state.requestedByEmail)}</span>`],
    ['Fresh snapshot', `#${esc(state.snapshotId)}`],
  ]);
  if (state.state === 'running') {
    yield `<p class="bad">Snapshot #${esc(state.snapshotId)} was still running when this package was generated: no result yet.</p></section>`;
    return;
  }
  if (state.state === 'failed') {
    yield `<p class="bad">The reconciliation snapshot did not complete: ${esc(state.error)}. Request a new reconciliation.</p></section>`;
    return;
  }
  const counts = f.reconciliation?.counts;
  if (!counts) return;
  const stored = f.reconciliation?.stored ?? null;
  yield `<p>Result: ${okBad(counts.flagged === 0, 'clean — every revoked access is gone and nothing else changed', `${n(counts.flagged)} finding(s) flagged`)}.</p>`;
  yield `<table><thead>${headerRow(['Finding', 'Count'])}</thead><tbody>`;
  yield `<tr>${td('Revocations confirmed (access absent)')}${num(counts.revocation_confirmed)}</tr>`;
  yield `<tr>${td('Revocations not applied (access still present)')}<td class="num">${okBad(counts.revocation_not_applied === 0, '0', n(counts.revocation_not_applied))}</td></tr>`;
  yield `<tr>${td('Changed unexpectedly (incl. revoked access present again)')}<td class="num">${okBad(counts.changed_unexpectedly === 0, '0', n(counts.changed_unexpectedly))}</td></tr>`;
  yield `<tr>${td('Attribute changes (informational)')}${num(counts.attribute_changed)}</tr></tbody></table>`;
  if (stored) {
    const same = JSON.stringify(stored.counts) === JSON.stringify(counts);
    yield `<p>Recorded check: ${when(stored.checkedAt)} — ${okBad(same, 'the recomputation for this package gives the same counts', 'the recomputation for this package DIFFERS from the recorded check')}.</p>`;
  } else {
    yield `<p class="muted">The check was not recorded (the process stopped after the snapshot); the figures above are computed for this package.</p>`;
  }
  const input = reconciliationInput(ctx, ctx.reconciliation);
  if (!input) return;
  yield `<h3>Flagged findings</h3>`;
  yield* table(
    ['Category', 'Change', 'Item', 'User', 'Access', 'Field', 'Before', 'After', 'Remediation', 'Note'],
    (function* () {
      for (const x of reconciliationFindings(ctx.db, input)) {
        if (!isFlagged(x.category)) continue;
        yield `<tr>${td(x.category)}${td(x.change)}${td(x.itemId, 'num')}<td class="mono">${esc(x.userEmail ?? x.userScimId)}</td>${td(x.groupName ?? (x.groupScimId ? x.groupScimId : 'Airtable account'))}${td(
          x.field,
        )}${td(x.before)}${td(x.after)}${td([x.remediationStatus, x.remediationVerifiedAt ?? x.remediationAppliedAt].filter(Boolean).join(' '))}${td(x.note)}</tr>`;
      }
    })(),
    'None.',
  );
  yield `</section>`;
}

const DETAIL_CHARS = 400;

function* audit(ctx: TEvidenceContext, f: TFacts): Generator<string, void, undefined> {
  const chain = f.chain;
  yield `<section id="audit"><h2>Audit log</h2>`;
  yield `<p>Attest's audit log is append-only (database triggers refuse changes) and hash-chained: each row carries the SHA-256 of the previous row, so an edited, deleted or reordered row breaks the chain. Verified when this report was generated:</p>`;
  yield chain.ok
    ? `<p class="ok">Chain intact: ${esc(n(chain.rows))} rows, last hash <span class="mono">${esc(chain.lastHash)}</span>.</p>`
    : `<p class="bad">Chain BROKEN at row ${esc(chain.brokenRowId)}: ${esc(chain.reason)}.</p>`;
  const itemRows = countItemAuditRows(ctx.db, ctx.campaign.id);
  if (itemRows.length > 0) yield `<p>Entries about single items and their remediation: ${itemRows.map((r) => `${esc(r.action)} × ${esc(n(r.n))}`).join(', ')}.</p>`;
  yield `<h3>Entries about this campaign</h3><p class="muted">Details abbreviated to ${DETAIL_CHARS} characters; the audit log holds them in full.</p>`;
  yield* table(
    ['Row', 'At', 'Actor', 'Action', 'Details'],
    mapIter(
      iterateCampaignAuditRows(ctx.db, ctx.campaign.id),
      (r) =>
        `<tr>${td(r.id, 'num')}<td class="mono">${esc(r.at)}</td><td class="mono">${esc(r.actorEmail)}</td>${td(r.action)}<td class="mono">${esc(
          r.details.length > DETAIL_CHARS ? `${r.details.slice(0, DETAIL_CHARS)}…` : r.details,
        )}</td></tr>`,
    ),
    'No entries.',
  );
  yield `</section>`;
}

function* files(): Generator<string, void, undefined> {
  yield `<section id="files"><h2>Contents of this package</h2>`;
  yield `<table><thead>${headerRow(['File', 'What it holds'])}</thead><tbody>`;
  for (const file of EVIDENCE_FILES) yield `<tr><td class="mono">${esc(file.name)}</td>${td(file.description)}</tr>`;
  yield `<tr><td class="mono">${esc(MANIFEST_FILE_NAME)}</td>${td('Written last: the name, row count, size and SHA-256 of every other file, the snapshot digest, the campaign, the generation time and the generator. Check a copy with `npm run evidence:verify <dir|zip>`.')}</tr>`;
  yield `</tbody></table></section>`;
}

function* reportParts(ctx: TEvidenceContext): Generator<string, void, undefined> {
  const { db, campaign } = ctx;
  const input = reconciliationInput(ctx, ctx.reconciliation);
  const state = reconciliationState(ctx.reconciliation);
  const facts: TFacts = {
    decisions: readDecisionCounts(db, campaign.id),
    population: readPopulationCounts(db, campaign.id, campaign.snapshotId, campaign.scope),
    remediation: readRemediationCounts(db, campaign.id),
    reviewers: readReviewers(db, campaign.id),
    stages: stageCount(ctx),
    stageDecisions: readStageDecisionCounts(db, campaign.id),
    exclusions: readExclusionCounts(db, campaign.id),
    changedDecisions: countChangedDecisions(db, campaign.id),
    reassignments: countReassignments(db, campaign.id),
    reconciliation: input ? { counts: summarizeFindings(reconciliationFindings(db, input)).counts, stored: state.state === 'checked' ? state.result : null } : null,
    chain: verifyAuditLog(),
  };
  yield* header(ctx);
  yield* summary(ctx, facts);
  yield* parameters(ctx);
  yield* stages(ctx, facts);
  yield* population(ctx, facts.population);
  yield* exclusions(ctx, facts);
  yield* reviewers(ctx, facts.reviewers);
  yield* separation(ctx, facts);
  yield* revocations(ctx, facts);
  yield* exceptions(ctx, facts);
  yield* reconciliationSection(ctx, facts);
  yield* audit(ctx, facts);
  yield* files();
  yield `<footer>Attest evidence package for campaign #${esc(campaign.id)} · generated ${esc(ctx.generatedAt)} · ${esc(ctx.generator)}</footer></body></html>\n`;
}

/** report.html (see the module comment). */
export function reportHtml(ctx: TEvidenceContext): TFileContent {
  async function* chunks(): AsyncGenerator<string, void, undefined> {
    const chunker = new HtmlChunker();
    for (const part of reportParts(ctx)) {
      const out = chunker.add(part);
      if (out) yield out;
    }
    const rest = chunker.take();
    if (rest) yield rest;
  }
  return { chunks: chunks(), rows: () => null };
}
