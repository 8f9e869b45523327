import { beforeEach, describe, expect, it } from 'vitest';
import { useTempDatabase } from '@/tests/helpers/temp-database';
import {
  createCampaignDraft,
  decideItem,
  getCampaignForViewer,
  launchCampaign,
  listCampaignDepartments,
  listMyCampaigns,
  listReviewItems,
  SIGNAL_BIT,
  ZItemListQuery,
  type TReviewItemRow,
} from './index';
import { actor, ADMIN, allItems, campaignInput, seededStore, snapshotFromStore } from './testing';

describe('review grid and pages', () => {
  useTempDatabase();
  let campaignId: number;
  let items: TReviewItemRow[];
  let reviewer: string;

  beforeEach(() => {
    const snapshotId = snapshotFromStore(seededStore({ users: 200, groups: 20, seed: 12 }));
    campaignId = createCampaignDraft(ADMIN, campaignInput(snapshotId, { scope: { kind: 'all', includeInactive: true } })).id;
    launchCampaign(ADMIN, campaignId);
    items = allItems(campaignId);
    reviewer = items.find((i) => i.reviewerEmail !== 'fallback@northwind.example')?.reviewerEmail ?? '';
  });

  it('shows a reviewer only their own items, admins and auditors all of them', () => {
    const mine = items.filter((i) => i.reviewerEmail === reviewer);
    const asReviewer = listReviewItems(campaignId, { email: reviewer.toUpperCase(), role: 'reviewer' }, { page: 1, pageSize: 500, reviewer: 'fallback@northwind.example' });
    expect(asReviewer.total).toBe(mine.length);
    expect(asReviewer.rows.every((r) => r.reviewerEmail === reviewer)).toBe(true);
    expect(listReviewItems(campaignId, { email: 'auditor@northwind.example', role: 'auditor' }, { page: 1, pageSize: 1 }).total).toBe(items.length);
    expect(listReviewItems(campaignId, { email: ADMIN.email, role: 'admin' }, { page: 1, pageSize: 1, reviewer }).total).toBe(mine.length);
    expect(getCampaignForViewer(campaignId, { email: reviewer, role: 'reviewer' })?.id).toBe(campaignId);
    expect(getCampaignForViewer(campaignId, { email: 'nobody@northwind.example', role: 'reviewer' })).toBeNull();
  });

  it('filters by decision, kind, signal, recommendation, department, group and search text', () => {
    const admin = { email: ADMIN.email, role: 'admin' as const };
    const count = (q: Parameters<typeof listReviewItems>[2]) => listReviewItems(campaignId, admin, { page: 1, pageSize: 1, ...q }).total;
    const target = items.find((i) => i.reviewerEmail === reviewer) as TReviewItemRow;
    decideItem(actor(reviewer), { campaignId, itemId: target.id, decision: 'revoke', comment: 'x', expectedVersion: 1 });
    expect(count({ decision: 'revoke' })).toBe(1);
    expect(count({ decision: 'undecided' })).toBe(items.length - 1);
    expect(count({ kind: 'account' })).toBe(items.filter((i) => i.kind === 'account').length);
    const inactive = items.filter((i) => (i.signals & SIGNAL_BIT.inactive) !== 0).length;
    expect(inactive).toBeGreaterThan(0);
    expect(count({ signal: 'inactive' })).toBe(inactive);
    expect(count({ recommendation: 'revoke' })).toBe(items.filter((i) => i.recommendation === 'revoke').length);
    expect(count({ department: 'Engineering' })).toBe(items.filter((i) => i.department === 'Engineering').length);
    const group = items.find((i) => i.groupScimId)?.groupScimId ?? '';
    expect(count({ groupScimId: group })).toBe(items.filter((i) => i.groupScimId === group).length);
    const person = items[0] as TReviewItemRow;
    expect(count({ q: person.userEmail.slice(0, 12) })).toBe(
      items.filter((i) => [i.userEmail, i.userDisplayName, i.groupName, i.title].some((v) => v?.toLowerCase().includes(person.userEmail.slice(0, 12).toLowerCase()))).length,
    );
    // LIKE wildcards in the search box are literal.
    expect(count({ q: '%' })).toBe(0);
    expect(listCampaignDepartments(campaignId)).toEqual([...new Set(items.map((i) => i.department).filter((d): d is string => d !== null))].sort());
  });

  it('sorts with id as tie-breaker and pages without overlap', () => {
    const viewer = { email: ADMIN.email, role: 'admin' as const };
    const seen: number[] = [];
    for (let page = 1; ; page++) {
      const { rows } = listReviewItems(campaignId, viewer, { sort: 'user', dir: 'desc', page, pageSize: 97 });
      if (rows.length === 0) break;
      seen.push(...rows.map((r) => r.id));
    }
    expect(seen).toHaveLength(items.length);
    expect(new Set(seen).size).toBe(items.length);
    const byId = new Map(items.map((i) => [i.id, i]));
    // Compare by the sort key (SQLite BINARY order for the names; the test data is ASCII letters and spaces).
    const keys = seen.map((id) => byId.get(id)?.userDisplayName ?? '');
    expect(keys).toEqual([...keys].sort().reverse());
    const risk = listReviewItems(campaignId, viewer, { sort: 'recommendation', page: 1, pageSize: 500 }).rows.map((r) => r.recommendation);
    const order = { revoke: 0, review: 1, certify: 2 };
    expect(risk).toEqual([...risk].sort((a, b) => order[a] - order[b]));
    expect(() => listReviewItems(campaignId, viewer, { page: 1, pageSize: 501 })).toThrow(expect.objectContaining({ code: 'invalid' }));
  });

  it('parses URL search params', () => {
    const params = Object.fromEntries(new URLSearchParams('decision=undecided&kind=&signal=external_domain&sort=department&dir=desc&page=3&pageSize=50&q='));
    expect(ZItemListQuery.parse(params)).toEqual({ decision: 'undecided', signal: 'external_domain', sort: 'department', dir: 'desc', page: 3, pageSize: 50 });
    expect(ZItemListQuery.safeParse({ signal: 'nonsense' }).success).toBe(false);
  });

  it('lists a reviewer\'s campaigns with their own counts', () => {
    const mine = items.filter((i) => i.reviewerEmail === reviewer);
    decideItem(actor(reviewer), { campaignId, itemId: (mine[0] as TReviewItemRow).id, decision: 'revoke', comment: 'x', expectedVersion: 1 });
    expect(listMyCampaigns(reviewer)).toEqual([
      expect.objectContaining({ campaignId, status: 'active', total: mine.length, decided: 1, revoked: 1, signedOffAt: null, overdue: false }),
    ]);
    expect(listMyCampaigns('nobody@northwind.example')).toEqual([]);
  });
});
