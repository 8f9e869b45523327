/**
 * `npm run bench -- review`: the review campaign hot paths against baselines measured in the
 * same run, on real SQLite files (WAL, the app's settings):
 *
 * - review/launch: launchCampaign of ~100k items (20k users + ~80k memberships, with a previous
 *   closed campaign so every signal join runs) ÷ a raw prepared INSERT of the same rows in one
 *   transaction.
 * - review/page: one grid page (100 rows, filter + sort, after the cursor at 80% depth, as the
 *   grid requests while scrolling) on a 50k-item queue ÷ the same on a 500-item queue.
 * - review/bulk: bulkDecide of 10k items ÷ a raw UPDATE of the same rows.
 * - review/advance: moving a decided ~50k-item stage to the next stage (every item goes on: stage
 *   results written, next reviewer resolved per item, events, the items handed over) ÷ the raw
 *   SQL floor of the same writes (copy the results, one UPDATE of the items).
 *
 * Each figure is the median of several alternating rounds.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { closeDb, getDb } from '@/db/client';
import { resetEnvForTests } from '@/lib/env';
import {
  advanceStage,
  bulkDecide,
  closeCampaign,
  createCampaignDraft,
  launchCampaign,
  listReviewItems,
  listReviewItemsAfter,
  type TItemListQuery,
  type TViewer,
} from '@/lib/review';
import { ADMIN, actor, campaignInput, inDays, seededStore, snapshotFromStore } from '@/lib/review/testing';
import { printFigure } from './report';

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
};

function time(fn: () => void): number {
  const started = performance.now();
  fn();
  return performance.now() - started;
}

function freshDatabase(dir: string, name: string): void {
  closeDb();
  process.env.DATABASE_URL = `file:${join(dir, `${name}.db`)}`;
  resetEnvForTests();
  getDb();
}

const REVIEWER = 'reviewer@northwind.example';

/** A draft with a fixed reviewer (one queue holds every item) over the whole snapshot. */
function fixedDraft(snapshotId: number, name: string): number {
  return createCampaignDraft(
    ADMIN,
    campaignInput(snapshotId, { name, reviewerRule: 'fixed', fixedReviewerEmail: REVIEWER, scope: { kind: 'all', includeInactive: true } }),
  ).id;
}

const ITEM_INSERT = `INSERT INTO review_items (campaign_id, kind, user_scim_id, group_scim_id, user_email, user_name, user_display_name, department,
  title, user_active, group_name, reviewer_email, original_reviewer_email, reviewer_reason, signals, recommendation, recommendation_reason)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`;

function benchLaunch(dir: string): void {
  freshDatabase(dir, 'launch');
  const store = seededStore({ users: 20_000, groups: 400, membershipsPerUser: 4, seed: 7 });
  const snapshotId = snapshotFromStore(store);
  store.close();
  const input = (name: string) => campaignInput(snapshotId, { name, scope: { kind: 'all', includeInactive: true } });
  // A closed previous campaign, as every quarterly review has: the "since last" and "previously revoked" joins run.
  const previous = createCampaignDraft(ADMIN, input('Q3 review')).id;
  launchCampaign(ADMIN, previous);
  closeCampaign(ADMIN, previous);

  const sqlite = getDb().$client;
  const rows = sqlite
    .prepare(
      `SELECT kind, user_scim_id, group_scim_id, user_email, user_name, user_display_name, department, title, user_active, group_name,
              reviewer_email, original_reviewer_email, reviewer_reason, signals, recommendation, recommendation_reason
         FROM review_items WHERE campaign_id = ? ORDER BY id`,
    )
    .raw()
    .all(previous) as unknown[][];
  const insert = sqlite.prepare(ITEM_INSERT);
  const newCampaignRow = sqlite.prepare(
    `INSERT INTO campaigns (name, status, snapshot_id, scope_json, review_accounts, review_memberships, reviewer_rule, fallback_reviewer_email, due_at, attestation_statement, created_by_email)
     VALUES ('baseline', 'active', ?, '{"kind":"all"}', 1, 1, 'manager', 'f@x.example', '2999-01-01T00:00:00.000Z', 's', 'bench')`,
  );

  // Not the goal's baseline, printed for honesty: the cheapest way SQLite can write the same rows
  // (one INSERT … SELECT copying them), i.e. the cost of the indexes alone.
  const copy = sqlite.prepare(
    `INSERT INTO review_items (campaign_id, kind, user_scim_id, group_scim_id, user_email, user_name, user_display_name, department, title,
       user_active, group_name, reviewer_email, original_reviewer_email, reviewer_reason, signals, recommendation, recommendation_reason)
     SELECT ?, kind, user_scim_id, group_scim_id, user_email, user_name, user_display_name, department, title, user_active, group_name,
            reviewer_email, original_reviewer_email, reviewer_reason, signals, recommendation, recommendation_reason
       FROM review_items WHERE campaign_id = ?`,
  );
  const launches: number[] = [];
  const baselines: number[] = [];
  const copies: number[] = [];
  let items = 0;
  for (let round = 0; round < 3; round++) {
    const baselineCampaign = Number(newCampaignRow.run(snapshotId).lastInsertRowid);
    baselines.push(
      time(() =>
        sqlite.transaction(() => {
          for (const row of rows) insert.run(baselineCampaign, ...row);
        })(),
      ),
    );
    const copyCampaign = Number(newCampaignRow.run(snapshotId).lastInsertRowid);
    copies.push(time(() => sqlite.transaction(() => copy.run(copyCampaign, previous))()));
    const draft = createCampaignDraft(ADMIN, input(`Q4 review ${round}`)).id;
    launches.push(time(() => void (items = launchCampaign(ADMIN, draft).itemCount)));
  }
  if (items !== rows.length) throw new Error(`launch created ${items} items, the baseline ${rows.length}`);
  const value = median(launches);
  const baseline = median(baselines);
  const floor = median(copies);
  printFigure({
    bench: 'review/launch',
    value,
    unit: 'ms',
    baseline,
    ratio: value / baseline,
    goal: '<= 1.5',
    items,
    launches,
    baselines,
    insertSelectCopyMs: floor,
    ratioToInsertSelectCopy: value / floor,
  });
}

function benchPage(dir: string): void {
  freshDatabase(dir, 'page');
  const setups = [
    { name: 'big', users: 10_000, groups: 300 },
    { name: 'small', users: 150, groups: 15 },
  ];
  const campaigns = setups.map((s) => {
    const store = seededStore({ users: s.users, groups: s.groups, membershipsPerUser: 4, seed: 11 });
    const snapshotId = snapshotFromStore(store);
    store.close();
    const id = fixedDraft(snapshotId, s.name);
    const { itemCount } = launchCampaign(ADMIN, id);
    // A review in progress: every third item decided, so "undecided" is a real filter.
    getDb().$client.prepare(`UPDATE review_items SET decision = 'certify', version = version + 1 WHERE campaign_id = ? AND id % 3 = 0`).run(id);
    return { id, itemCount };
  });

  const viewer: TViewer = { email: REVIEWER, role: 'reviewer' };
  const sample = (fn: () => unknown): number => {
    for (let i = 0; i < 5; i++) fn();
    const samples: number[] = [];
    for (let i = 0; i < 40; i++) samples.push(time(() => void fn()));
    return median(samples);
  };
  /** The grid scrolling at 80% depth: the page after the cursor of the row there. And the counted first page. */
  const measure = (campaignId: number, filter: Partial<TItemListQuery>, v: TViewer) => {
    const first = listReviewItems(campaignId, v, { ...filter, page: 1, pageSize: 100 });
    const deepPage = Math.max(1, Math.floor((Math.ceil(first.total / 100) * 8) / 10));
    const before = listReviewItems(campaignId, v, { ...filter, page: deepPage - 1 || 1, pageSize: 100 });
    if (!before.nextCursor) throw new Error('no cursor at depth');
    const after = { ...filter, pageSize: 100, after: before.nextCursor };
    if (listReviewItemsAfter(campaignId, v, after).rows.length === 0) throw new Error('empty deep page');
    return {
      ms: sample(() => listReviewItemsAfter(campaignId, v, after)),
      firstMs: sample(() => listReviewItems(campaignId, v, { ...filter, page: 1, pageSize: 100 })),
      total: first.total,
    };
  };
  const [big, small] = campaigns;
  if (!big || !small) throw new Error('setup failed');

  const mainFilter: Partial<TItemListQuery> = { decision: 'undecided', sort: 'user', dir: 'asc' };
  const b = measure(big.id, mainFilter, viewer);
  const s = measure(small.id, mainFilter, viewer);
  const admin: TViewer = { email: ADMIN.email, role: 'admin' };
  const otherFilter: Partial<TItemListQuery> = { kind: 'membership', sort: 'department', dir: 'desc' };
  const b2 = measure(big.id, otherFilter, admin);
  const s2 = measure(small.id, otherFilter, admin);
  printFigure({
    bench: 'review/page',
    value: b.ms,
    unit: 'ms',
    baseline: s.ms,
    ratio: b.ms / s.ms,
    goal: '<= 1.5',
    query: 'reviewer queue, decision=undecided, sort=user, the page after the cursor at 80% depth, 100 rows',
    items: { big: big.itemCount, small: small.itemCount },
    matching: { big: b.total, small: s.total },
    // Printed for honesty: the first page also counts the matches (once per filter), which grows with the queue.
    countedFirstPage: { bigMs: b.firstMs, smallMs: s.firstMs, ratio: b.firstMs / s.firstMs },
    unindexedSort: { query: 'admin, kind=membership, sort=department desc, 80% depth', bigMs: b2.ms, smallMs: s2.ms, ratio: b2.ms / s2.ms },
  });
}

function benchBulk(dir: string): void {
  freshDatabase(dir, 'bulk');
  const store = seededStore({ users: 2_000, groups: 120, membershipsPerUser: 4, seed: 5 });
  const snapshotId = snapshotFromStore(store);
  store.close();
  const viaLib = fixedDraft(snapshotId, 'bulk via lib');
  const viaSql = fixedDraft(snapshotId, 'bulk via SQL');
  const n = launchCampaign(ADMIN, viaLib).itemCount;
  launchCampaign(ADMIN, viaSql);
  const sqlite = getDb().$client;
  const reset = sqlite.prepare(
    'UPDATE review_items SET decision = NULL, decision_comment = NULL, decided_at = NULL, decided_by_email = NULL, version = version + 1 WHERE campaign_id = ?',
  );
  const raw = sqlite.prepare(
    `UPDATE review_items SET decision = 'certify', decision_comment = ?, decided_at = ?, decided_by_email = ?, decided_by_rule = 0, version = version + 1
      WHERE campaign_id = ? AND reviewer_email = ? AND decision IS NULL`,
  );
  const reviewer = actor(REVIEWER);
  const libTimes: number[] = [];
  const sqlTimes: number[] = [];
  for (let round = 0; round < 5; round++) {
    reset.run(viaLib);
    reset.run(viaSql);
    const runLib = (): void => {
      libTimes.push(
        time(() => {
          const result = bulkDecide(reviewer, {
            campaignId: viaLib,
            decision: 'certify',
            comment: 'Role unchanged, access still needed',
            target: { filter: { decision: 'undecided' }, expectedCount: n },
          });
          if (result.count !== n) throw new Error(`bulk decided ${result.count} of ${n}`);
        }),
      );
    };
    const runSql = (): void => {
      sqlTimes.push(
        time(() => {
          const changes = sqlite.transaction(() => raw.run('Role unchanged, access still needed', new Date().toISOString(), REVIEWER, viaSql, REVIEWER).changes)();
          if (changes !== n) throw new Error(`raw update changed ${changes} of ${n}`);
        }),
      );
    };
    if (round % 2 === 0) {
      runLib();
      runSql();
    } else {
      runSql();
      runLib();
    }
  }
  const value = median(libTimes);
  const baseline = median(sqlTimes);
  printFigure({ bench: 'review/bulk', value, unit: 'ms', baseline, ratio: value / baseline, goal: '<= 2', items: n });
}

function benchAdvance(dir: string): void {
  freshDatabase(dir, 'advance');
  const store = seededStore({ users: 10_000, groups: 300, membershipsPerUser: 4, seed: 9 });
  const snapshotId = snapshotFromStore(store);
  store.close();
  const sqlite = getDb().$client;
  const certifyAll = sqlite.prepare(
    "UPDATE review_items SET decision = 'certify', decided_at = '2026-11-23T00:00:00.000Z', decided_by_email = ? WHERE campaign_id = ?",
  );
  const twoStage = (name: string): { id: number; items: number } => {
    const id = createCampaignDraft(
      ADMIN,
      campaignInput(snapshotId, {
        name,
        reviewerRule: 'fixed',
        fixedReviewerEmail: REVIEWER,
        scope: { kind: 'all', includeInactive: true },
        laterStages: [{ reviewerRule: 'fixed', fixedReviewerEmail: 'second@northwind.example', dueAt: inDays(60), advance: 'all', showPreviousDecisions: true }],
      }),
    ).id;
    const items = launchCampaign(ADMIN, id).itemCount;
    certifyAll.run(REVIEWER, id);
    return { id, items };
  };
  const floorResults = sqlite.prepare(
    `INSERT INTO review_item_stage_results (item_id, campaign_id, stage, reviewer_email, decision, decision_comment, decided_at, decided_by_email, not_sure_comment, passed_on)
     SELECT id, campaign_id, stage, reviewer_email, decision, decision_comment, decided_at, decided_by_email, NULL, 1 FROM review_items WHERE campaign_id = ?`,
  );
  const floorMove = sqlite.prepare(
    `UPDATE review_items SET stage = 2, reviewer_email = 'second@northwind.example', original_reviewer_email = 'second@northwind.example',
            reviewer_reason = 'fixed', decision = NULL, decision_comment = NULL, decided_at = NULL, decided_by_email = NULL, version = version + 1
      WHERE campaign_id = ?`,
  );
  const advances: number[] = [];
  const floors: number[] = [];
  let items = 0;
  for (let round = 0; round < 3; round++) {
    const lib = twoStage(`advance via lib ${round}`);
    const raw = twoStage(`advance via SQL ${round}`);
    items = lib.items;
    advances.push(
      time(() => {
        const [result] = advanceStage(ADMIN, lib.id);
        if (result?.itemsPassedOn !== lib.items) throw new Error(`advanced ${result?.itemsPassedOn} of ${lib.items}`);
      }),
    );
    floors.push(
      time(() =>
        sqlite.transaction(() => {
          floorResults.run(raw.id);
          floorMove.run(raw.id);
        })(),
      ),
    );
  }
  const value = median(advances);
  const baseline = median(floors);
  printFigure({ bench: 'review/advance', value, unit: 'ms', baseline, ratio: value / baseline, goal: '<= 3', items, advances, floors });
}

export async function run(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'attest-bench-review-'));
  const previousUrl = process.env.DATABASE_URL;
  try {
    benchLaunch(dir);
    benchPage(dir);
    benchBulk(dir);
    benchAdvance(dir);
  } finally {
    closeDb();
    if (previousUrl === undefined) delete process.env.DATABASE_URL;
    else process.env.DATABASE_URL = previousUrl;
    resetEnvForTests();
    rmSync(dir, { recursive: true, force: true });
  }
  await Promise.resolve();
}
