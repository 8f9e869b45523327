import { describe, expect, it } from 'vitest';
import { listRemediationActions } from '@/lib/remediation';
import { useTempDatabase } from '@/tests/helpers/temp-database';
import { deactivateStaleAccounts } from './index';
import { ADMIN, addUser, csv, dayFromToday, importCsv, seededStore, snapshotFromStore } from './testing';

/** "Deactivate selected": only active, flagged accounts go to the remediation outbox, with the justification. */
describe('deactivating stale accounts', () => {
  useTempDatabase();

  it('queues flagged accounts once, and refuses a selection with an unflagged or deactivated account', async () => {
    const store = seededStore({ users: 30, groups: 3, seed: 12 });
    const stale = addUser(store, { userName: 'stale@northwind.example', givenName: 'Stu', familyName: 'Stale' });
    const fine = addUser(store, { userName: 'fine@northwind.example', givenName: 'Fay', familyName: 'Fine' });
    const left = addUser(store, { userName: 'left@northwind.example', givenName: 'Len', familyName: 'Left', active: false, groups: [store.createGroup({ displayName: 'G' }).id] });
    await snapshotFromStore(store);
    importCsv('activity', csv(['email', 'last active'], store.allUsers().map((u) => [u.userName, u.id === stale ? dayFromToday(-400) : dayFromToday(-1)])));

    const refused = (ids: string[]) => () => deactivateStaleAccounts(ADMIN, { userScimIds: ids, justification: 'No activity for over a year' });
    expect(refused([stale, fine])).toThrow(/1 selected account is not active and flagged in snapshot #\d+ \(.*\)/);
    // Deactivated already (flagged only for its groups): there is no seat to take back.
    expect(refused([left])).toThrow(/not active and flagged/);
    expect(() => deactivateStaleAccounts(ADMIN, { userScimIds: [stale], justification: 'short' })).toThrow(/at least 10 characters/);
    expect(listRemediationActions(null).total).toBe(0);

    const result = deactivateStaleAccounts(ADMIN, { userScimIds: [stale, stale], justification: 'No activity for over a year' });
    expect(result).toMatchObject({ queued: 1, alreadyQueued: [] });
    const again = deactivateStaleAccounts(ADMIN, { userScimIds: [stale], justification: 'Second click' });
    expect(again).toMatchObject({ queued: 0, alreadyQueued: [stale] });
    const rows = listRemediationActions(null).rows;
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ userScimId: stale, kind: 'deactivate_user' });
  });
});
