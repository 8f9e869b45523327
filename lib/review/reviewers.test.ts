import { describe, expect, it } from 'vitest';
import { openSimStore } from '@/lib/airtable-sim';
import { AppError } from '@/lib/errors';
import { useTempDatabase } from '@/tests/helpers/temp-database';
import { createCampaignDraft, getCampaign, launchCampaign, listGroupOwners, previewCampaign, setGroupOwners } from './index';
import { countItemEvents } from './queries';
import { resolveReviewer, type TResolveReviewerInput } from './reviewers';
import { ADMIN, addUser, allItems, campaignInput, snapshotFromStore } from './testing';

const base: TResolveReviewerInput = {
  rule: 'manager',
  kind: 'account',
  userEmail: 'ann@northwind.example',
  managerEmail: 'boss@northwind.example',
  managerActive: true,
  fixedReviewerEmail: null,
  fallbackReviewerEmail: 'fallback@northwind.example',
};

describe('resolveReviewer (pure)', () => {
  it('manager by email, case-insensitively; inactive or unknown manager → fallback', () => {
    expect(resolveReviewer({ ...base, managerEmail: ' Boss@NorthWind.Example ' })).toEqual({ reviewerEmail: 'boss@northwind.example', reason: 'manager', selfReview: false });
    expect(resolveReviewer({ ...base, managerActive: false })).toMatchObject({ reviewerEmail: 'fallback@northwind.example', reason: 'fallback_no_reviewer' });
    expect(resolveReviewer({ ...base, managerActive: null })).toMatchObject({ reason: 'fallback_no_reviewer' });
    expect(resolveReviewer({ ...base, managerEmail: null })).toMatchObject({ reason: 'fallback_no_reviewer' });
  });

  it('group owner: first owner who is not the member; account items → fallback', () => {
    const m = { ...base, rule: 'group_owner' as const, kind: 'membership' as const };
    expect(resolveReviewer({ ...m, groupOwners: ['Zed@x.example', 'amy@x.example'] })).toMatchObject({ reviewerEmail: 'amy@x.example', reason: 'group_owner' });
    expect(resolveReviewer({ ...m, groupOwners: ['ANN@northwind.example', 'zed@x.example'] })).toMatchObject({ reviewerEmail: 'zed@x.example', reason: 'group_owner' });
    expect(resolveReviewer({ ...m, groupOwners: ['ann@northwind.example'] })).toMatchObject({ reviewerEmail: 'fallback@northwind.example', reason: 'fallback_self_review' });
    expect(resolveReviewer({ ...m, groupOwners: [] })).toMatchObject({ reason: 'fallback_no_reviewer' });
    expect(resolveReviewer({ ...m, kind: 'account', groupOwners: ['zed@x.example'] })).toMatchObject({ reviewerEmail: 'fallback@northwind.example', reason: 'fallback_no_reviewer' });
  });

  it('fixed reviewer; nobody reviews themself; a fallback that is the user is flagged', () => {
    const f = { ...base, rule: 'fixed' as const, fixedReviewerEmail: 'Audit@northwind.example' };
    expect(resolveReviewer(f)).toEqual({ reviewerEmail: 'audit@northwind.example', reason: 'fixed', selfReview: false });
    expect(resolveReviewer({ ...f, userEmail: 'audit@northwind.example' })).toEqual({ reviewerEmail: 'fallback@northwind.example', reason: 'fallback_self_review', selfReview: false });
    expect(resolveReviewer({ ...base, managerEmail: 'ann@northwind.example' })).toMatchObject({ reason: 'fallback_self_review' });
    expect(resolveReviewer({ ...base, managerEmail: null, userEmail: 'fallback@northwind.example' })).toEqual({
      reviewerEmail: 'fallback@northwind.example',
      reason: 'fallback_no_reviewer',
      selfReview: true,
    });
  });
});

/** A small directory where every reviewer case occurs once. */
function world() {
  const store = openSimStore();
  const finance = store.createGroup({ displayName: 'Finance Team' }).id;
  const project = store.createGroup({ displayName: 'Project X' }).id;
  const orphanGroup = store.createGroup({ displayName: 'Nobody owns this' }).id;
  const ids = {
    boss: addUser(store, { userName: 'boss@northwind.example' }),
    gone: addUser(store, { userName: 'gone@northwind.example', active: false }),
    // The manager attribute in another case than the manager's own email.
    ann: addUser(store, { userName: 'ann@northwind.example', managerValue: 'Boss@NorthWind.Example', groups: [finance, project, orphanGroup] }),
    self: addUser(store, { userName: 'self@northwind.example', managerValue: 'self@northwind.example', groups: [project] }),
    ghost: addUser(store, { userName: 'ghost.report@northwind.example', managerValue: 'ghost@northwind.example' }),
    orphaned: addUser(store, { userName: 'orphan.report@northwind.example', managerValue: 'gone@northwind.example' }),
    owner: addUser(store, { userName: 'owner@northwind.example', managerValue: 'boss@northwind.example', groups: [finance] }),
  };
  return { store, groups: { finance, project, orphanGroup }, ids };
}

describe('reviewer resolution at launch', () => {
  useTempDatabase();

  it('manager rule: by email across case, self-managed and unresolvable managers go to the fallback', () => {
    const { store, ids } = world();
    const snapshotId = snapshotFromStore(store);
    const c = createCampaignDraft(ADMIN, campaignInput(snapshotId, { reviewMemberships: true }));
    const preview = previewCampaign(c.id);
    launchCampaign(ADMIN, c.id);
    const items = allItems(c.id);
    const of = (userId: string) => items.filter((i) => i.userScimId === userId);
    for (const item of of(ids.ann)) expect(item).toMatchObject({ reviewerEmail: 'boss@northwind.example', reviewerReason: 'manager' });
    expect(of(ids.ann)).toHaveLength(4);
    for (const item of of(ids.self)) expect(item).toMatchObject({ reviewerEmail: 'fallback@northwind.example', reviewerReason: 'fallback_self_review' });
    expect(of(ids.ghost)[0]).toMatchObject({ reviewerEmail: 'fallback@northwind.example', reviewerReason: 'fallback_no_reviewer' });
    // gone@ is deactivated: a departed manager cannot review.
    expect(of(ids.orphaned)[0]).toMatchObject({ reviewerEmail: 'fallback@northwind.example', reviewerReason: 'fallback_no_reviewer' });
    expect(items.every((i) => i.reviewerEmail !== i.userEmail)).toBe(true);
    // The preview computed exactly this.
    expect(preview.totalItems).toBe(items.length);
    expect(preview.selfReviewAvoided).toBe(items.filter((i) => i.reviewerReason === 'fallback_self_review').length);
    expect(preview.unresolved).toBe(items.filter((i) => i.reviewerReason === 'fallback_no_reviewer').length);
    expect(preview.perReviewer.find((r) => r.reviewerEmail === 'boss@northwind.example')?.items).toBe(items.filter((i) => i.reviewerEmail === 'boss@northwind.example').length);
  });

  it('group-owner rule: owners review memberships (never their own), accounts and unowned groups go to the fallback', () => {
    const { store, groups, ids } = world();
    const snapshotId = snapshotFromStore(store);
    setGroupOwners(ADMIN, groups.finance, 'Finance Team', ['Owner@northwind.example', 'ann@northwind.example']);
    setGroupOwners(ADMIN, groups.project, 'Project X', ['ann@northwind.example']);
    expect(listGroupOwners().find((g) => g.groupScimId === groups.finance)?.owners).toEqual(['ann@northwind.example', 'owner@northwind.example']);
    const c = createCampaignDraft(ADMIN, campaignInput(snapshotId, { reviewerRule: 'group_owner' }));
    launchCampaign(ADMIN, c.id);
    const items = allItems(c.id);
    const item = (userId: string, groupId: string | null) => items.find((i) => i.userScimId === userId && i.groupScimId === groupId);
    // ann is the first owner of Finance by email, but not of her own membership.
    expect(item(ids.ann, groups.finance)).toMatchObject({ reviewerEmail: 'owner@northwind.example', reviewerReason: 'group_owner' });
    expect(item(ids.owner, groups.finance)).toMatchObject({ reviewerEmail: 'ann@northwind.example', reviewerReason: 'group_owner' });
    expect(item(ids.ann, groups.project)).toMatchObject({ reviewerEmail: 'fallback@northwind.example', reviewerReason: 'fallback_self_review' });
    expect(item(ids.self, groups.project)).toMatchObject({ reviewerEmail: 'ann@northwind.example', reviewerReason: 'group_owner' });
    expect(item(ids.ann, groups.orphanGroup)).toMatchObject({ reviewerEmail: 'fallback@northwind.example', reviewerReason: 'fallback_no_reviewer' });
    expect(item(ids.ann, null)).toMatchObject({ reviewerEmail: 'fallback@northwind.example', reviewerReason: 'fallback_no_reviewer' });
  });

  it('fixed rule: the fixed reviewer, except for their own access', () => {
    const { store, ids } = world();
    const snapshotId = snapshotFromStore(store);
    const c = createCampaignDraft(ADMIN, campaignInput(snapshotId, { reviewerRule: 'fixed', fixedReviewerEmail: 'ANN@northwind.example' }));
    launchCampaign(ADMIN, c.id);
    const items = allItems(c.id);
    expect(items.filter((i) => i.userScimId === ids.ann).every((i) => i.reviewerEmail === 'fallback@northwind.example' && i.reviewerReason === 'fallback_self_review')).toBe(true);
    expect(items.filter((i) => i.userScimId !== ids.ann).every((i) => i.reviewerEmail === 'ann@northwind.example' && i.reviewerReason === 'fixed')).toBe(true);
  });

  it('refuses to launch when the fallback would review their own access, naming how many items', () => {
    const { store } = world();
    const snapshotId = snapshotFromStore(store);
    // ghost.report@ has an unknown manager, so its account item falls back — to itself.
    const c = createCampaignDraft(ADMIN, campaignInput(snapshotId, { reviewMemberships: false, fallbackReviewerEmail: 'ghost.report@northwind.example' }));
    expect(previewCampaign(c.id).selfReviewBlocked).toBe(1);
    let error: unknown;
    try {
      launchCampaign(ADMIN, c.id);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ code: 'invalid' });
    expect((error as AppError).message).toMatch(/1 item would be reviewed by ghost\.report@northwind\.example.*Choose another fallback reviewer/);
    expect((error as AppError).fieldErrors?.fallbackReviewerEmail?.[0]).toMatch(/choose another fallback reviewer/);
    expect(getCampaign(c.id)).toMatchObject({ status: 'draft', itemCount: 0 });
    expect(allItems(c.id)).toHaveLength(0);
    expect(countItemEvents(c.id)).toBe(0);
  });
});
