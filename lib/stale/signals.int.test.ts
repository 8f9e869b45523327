import { describe, expect, it } from 'vitest';
import { createCampaignDraft, launchCampaign, previewCampaign } from '@/lib/review';
import { allItems, campaignInput } from '@/lib/review/testing';
import { useTempDatabase } from '@/tests/helpers/temp-database';
import { ADMIN, addUser, csv, dayFromToday, importCsv, seededStore, snapshotFromStore } from './testing';

/**
 * Campaign launch picks up the stale-account findings as the reserved signals (stale,
 * never_active, terminated_hr) without anything registering them first: the launch calls the
 * stale source itself. The recommendation then says why.
 */
describe('stale-account signals on campaign items', () => {
  useTempDatabase();

  async function enterprise() {
    const store = seededStore({ users: 40, groups: 4, seed: 8 });
    const g = store.createGroup({ displayName: 'Signals' }).id;
    const u = {
      leaver: addUser(store, { userName: 'leaver@northwind.example', givenName: 'Lee', familyName: 'Leaver', groups: [g] }),
      dormant: addUser(store, { userName: 'dormant@northwind.example', givenName: 'Dee', familyName: 'Dormant', groups: [g] }),
      idle: addUser(store, { userName: 'idle@northwind.example', givenName: 'Ida', familyName: 'Idle', groups: [g], createdDaysAgo: 200 }),
      fine: addUser(store, { userName: 'fine@northwind.example', givenName: 'Fay', familyName: 'Fine', groups: [g] }),
    };
    const snapshotId = await snapshotFromStore(store);
    return { store, snapshotId, u };
  }

  it('marks terminated, stale and never-active accounts, and the recommendation says why', async () => {
    const { store, snapshotId, u } = await enterprise();
    const users = store.allUsers();
    importCsv('hr', csv(['email', 'status', 'termination date'], users.map((x) => [x.userName, x.id === u.leaver ? 'terminated' : 'active', x.id === u.leaver ? dayFromToday(-14) : null])));
    importCsv('activity', csv(['email', 'last active'], users.filter((x) => x.id !== u.idle).map((x) => [x.userName, x.id === u.dormant ? dayFromToday(-150) : dayFromToday(-2)])));

    const draft = createCampaignDraft(ADMIN, campaignInput(snapshotId, { name: 'Q4 review' }));
    expect(previewCampaign(draft.id).recommendations.revoke).toBeGreaterThanOrEqual(2);
    launchCampaign(ADMIN, draft.id);
    const items = allItems(draft.id);
    const account = (id: string) => items.find((i) => i.userScimId === id && i.kind === 'account');
    const reserved = (keys: readonly string[]) => keys.filter((k) => k === 'stale' || k === 'never_active' || k === 'terminated_hr');

    expect(account(u.leaver)).toMatchObject({ recommendation: 'revoke', recommendationReason: 'Terminated in the HR roster but still has access' });
    expect(reserved(account(u.leaver)?.signalKeys ?? [])).toEqual(['terminated_hr']);
    expect(account(u.dormant)).toMatchObject({ recommendation: 'review', recommendationReason: 'No recent activity' });
    expect(reserved(account(u.dormant)?.signalKeys ?? [])).toEqual(['stale']);
    expect(account(u.idle)).toMatchObject({ recommendation: 'review', recommendationReason: 'Never used Airtable' });
    expect(reserved(account(u.idle)?.signalKeys ?? [])).toEqual(['never_active']);
    expect(reserved(account(u.fine)?.signalKeys ?? [])).toEqual([]);
    // Membership items of the same person carry the person's signals too.
    const leaverMemberships = items.filter((i) => i.userScimId === u.leaver && i.kind === 'membership');
    expect(leaverMemberships.length).toBeGreaterThan(0);
    expect(leaverMemberships.every((i) => i.signalKeys.includes('terminated_hr') && i.recommendation === 'revoke')).toBe(true);
    // Only those three people carry reserved bits.
    const flagged = new Set(items.filter((i) => reserved(i.signalKeys).length > 0).map((i) => i.userScimId));
    expect([...flagged].sort()).toEqual([u.leaver, u.dormant, u.idle].sort());
  });

  it('sets no reserved signal when there is nothing imported', async () => {
    const { snapshotId } = await enterprise();
    const draft = createCampaignDraft(ADMIN, campaignInput(snapshotId, { name: 'No imports' }));
    launchCampaign(ADMIN, draft.id);
    expect(allItems(draft.id).some((i) => i.signalKeys.some((k) => k === 'stale' || k === 'never_active' || k === 'terminated_hr'))).toBe(false);
  });
});
