import { describe, expect, it } from 'vitest';
import { useTempDatabase } from '@/tests/helpers/temp-database';
import { closeCampaign, createCampaignDraft, decideItem, launchCampaign } from './index';
import { actor, ADMIN, addUser, allItems, campaignInput, seededStore, snapshotFromStore } from './testing';

/** Signals and recommendations of crafted users across two campaigns (a quarter apart). */
describe('signals and recommendations at launch', () => {
  useTempDatabase();

  it('flags external, no groups, deactivated with groups, joined, changed, previously revoked, and manager gone', () => {
    const store = seededStore({ users: 120, groups: 12, seed: 9 });
    const g = (name: string) => store.createGroup({ displayName: name }).id;
    const [g1, g2, g3, p, q] = [g('Crafted 1'), g('Crafted 2'), g('Crafted 3'), g('Crafted P'), g('Crafted Q')];
    const u = {
      plain: addUser(store, { userName: 'plain@northwind.example', groups: [g1] }),
      external: addUser(store, { userName: 'kim@contractor-mail.example', groups: [g1] }),
      noGroups: addUser(store, { userName: 'nogroups@northwind.example' }),
      dormant: addUser(store, { userName: 'dormant@northwind.example', groups: [g1, g2, g3] }),
      mover: addUser(store, { userName: 'mover@northwind.example', department: 'Sales', groups: [g1] }),
      stayer: addUser(store, { userName: 'stayer@northwind.example', groups: [g1, p] }),
      removed: addUser(store, { userName: 'removed@northwind.example', groups: [g1, q] }),
      seat: addUser(store, { userName: 'seat@northwind.example', groups: [g1] }),
      leaver: addUser(store, { userName: 'leaver@northwind.example', groups: [g1] }),
      report: addUser(store, { userName: 'report@northwind.example', managerValue: 'Leaver@northwind.example', groups: [g1] }),
    };
    const first = snapshotFromStore(store);
    const reviewer = 'rev@northwind.example';
    const q3 = createCampaignDraft(ADMIN, campaignInput(first, { name: 'Q3 review', reviewerRule: 'fixed', fixedReviewerEmail: reviewer }));
    launchCampaign(ADMIN, q3.id);
    const q3Items = allItems(q3.id);
    const revoke = (userId: string, groupId: string | null) => {
      const item = q3Items.find((i) => i.userScimId === userId && i.groupScimId === groupId);
      if (!item) throw new Error('no such item');
      decideItem(actor(reviewer), { campaignId: q3.id, itemId: item.id, decision: 'revoke', comment: 'not needed', expectedVersion: item.version });
    };
    revoke(u.stayer, p);
    revoke(u.removed, q);
    revoke(u.seat, null);
    closeCampaign(ADMIN, q3.id);

    // The quarter in between: remediation removed one membership, not the others; people moved.
    store.removeMember(q, u.removed);
    store.setUserActive(u.dormant, false);
    store.setUserActive(u.leaver, false);
    store.patchUser(u.mover, { department: 'Marketing' });
    const newbie = addUser(store, { userName: 'newbie@northwind.example', groups: [g1] });
    const second = snapshotFromStore(store);
    const q4 = createCampaignDraft(ADMIN, campaignInput(second, { name: 'Q4 review', scope: { kind: 'all', includeInactive: true } }));
    launchCampaign(ADMIN, q4.id);
    const items = allItems(q4.id);
    const item = (userId: string, groupId: string | null = null) => {
      const found = items.find((i) => i.userScimId === userId && i.groupScimId === groupId);
      if (!found) throw new Error(`no item for ${userId} ${groupId}`);
      return found;
    };

    expect(item(u.plain)).toMatchObject({ signalKeys: [], recommendation: 'certify', recommendationReason: 'No risk signals', flagged: false });
    expect(item(u.external)).toMatchObject({ signalKeys: ['external_domain'], recommendation: 'review', recommendationReason: 'External domain contractor-mail.example' });
    expect(item(u.noGroups)).toMatchObject({ signalKeys: ['no_groups'], recommendation: 'review', recommendationReason: 'Account is in no groups' });
    expect(item(u.dormant)).toMatchObject({ signalKeys: ['inactive'], userActive: false, recommendation: 'revoke', recommendationReason: 'Account is deactivated but still in 3 groups' });
    expect(item(u.dormant, g2)).toMatchObject({ recommendation: 'revoke', recommendationReason: 'Account is deactivated but still in 3 groups' });
    expect(item(newbie)).toMatchObject({ signalKeys: ['joined_since_last'], recommendation: 'review', recommendationReason: 'New since Q3 review' });
    expect(item(u.mover)).toMatchObject({
      signalKeys: ['changed_since_last'],
      recommendation: 'review',
      recommendationReason: 'Changed since Q3 review: department Sales → Marketing',
    });
    expect(item(u.stayer, p)).toMatchObject({
      signalKeys: ['previously_revoked'],
      recommendation: 'revoke',
      recommendationReason: 'Previously revoked in Q3 review but still present',
    });
    // Only the revoked access is flagged, not the person's other access.
    expect(item(u.stayer).signalKeys).toEqual([]);
    expect(item(u.stayer, g1).signalKeys).toEqual([]);
    // The revoked membership is gone: no item, and nothing else of that user is flagged.
    expect(items.some((i) => i.userScimId === u.removed && i.groupScimId === q)).toBe(false);
    expect(item(u.removed).signalKeys).toEqual([]);
    expect(item(u.seat)).toMatchObject({ signalKeys: ['previously_revoked'], recommendationReason: 'Previously revoked in Q3 review but still present' });
    expect(item(u.report)).toMatchObject({
      signalKeys: ['manager_inactive'],
      recommendation: 'review',
      recommendationReason: 'Manager leaver@northwind.example is deactivated',
      reviewerReason: 'fallback_no_reviewer',
    });
    // The first campaign had no previous one: no "since last" signals at all.
    expect(q3Items.some((i) => i.signalKeys.includes('joined_since_last') || i.signalKeys.includes('changed_since_last'))).toBe(false);
  });
});
