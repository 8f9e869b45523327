import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from '@/lib/canonical-json';
import { compareIds, computeSnapshotDigest, createSnapshotDigester, DigestOrderError, digestUserRecord, sortForDigest, userRecordJson, type TDigestUser } from './digest';

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

const user = (id: string, extra: Partial<TDigestUser> = {}): TDigestUser => ({
  id,
  userName: `${id}@example.com`,
  email: `${id}@example.com`,
  givenName: 'Ann',
  familyName: null,
  displayName: null,
  title: 'Engineer',
  active: true,
  department: null,
  costCenter: null,
  division: null,
  organization: null,
  managerEmail: null,
  managerName: null,
  emails: [{ value: `${id}@example.com`, type: 'work', primary: true }],
  ...extra,
});

describe('computeSnapshotDigest', () => {
  it('is the SHA-256 of canonicalJson({groups, memberships, users}) of the sorted records (the published definition)', () => {
    const input = {
      groups: [{ id: 'ugpA', displayName: 'Alpha' }, { id: 'ugpB', displayName: 'Beta "quoted" ünïcode' }],
      memberships: [{ groupId: 'ugpA', userId: 'usr1' }, { groupId: 'ugpA', userId: 'usr2' }, { groupId: 'ugpB', userId: 'usr1' }],
      users: [user('usr1'), user('usr2', { active: false, title: null })],
    };
    expect(computeSnapshotDigest(input)).toBe(sha256(canonicalJson(input)));
  });

  it('of an empty snapshot is the hash of the three empty arrays', () => {
    expect(computeSnapshotDigest({ groups: [], memberships: [], users: [] })).toBe(sha256('{"groups":[],"memberships":[],"users":[]}'));
  });

  it('streams: a large input gives the same hash as the one-string form', () => {
    const memberships = Array.from({ length: 20_000 }, (_, i) => ({ groupId: `ugp${String(Math.floor(i / 100)).padStart(5, '0')}`, userId: `usr${String(i % 100).padStart(5, '0')}` }));
    const input = { groups: [], memberships, users: [] };
    expect(computeSnapshotDigest(input)).toBe(sha256(canonicalJson(input)));
  });

  it('matches the one-string definition for any sorted input (property)', () => {
    const id = fc.string({ minLength: 1, maxLength: 6 });
    fc.assert(
      fc.property(fc.uniqueArray(id), fc.uniqueArray(fc.tuple(id, id), { selector: ([g, u]) => `${g}\u0000${u}` }), (ids, pairs) => {
        const input = sortForDigest({
          groups: ids.map((i) => ({ id: i, displayName: `G ${i}` })),
          memberships: pairs.map(([groupId, userId]) => ({ groupId, userId })),
          users: ids.map((i) => user(i)),
        });
        expect(computeSnapshotDigest(input)).toBe(sha256(canonicalJson(input)));
      }),
      { numRuns: 200 },
    );
  });

  it('builds user records equal to canonicalJson, whatever the values', () => {
    const text = fc.option(fc.string({ unit: 'binary' }), { nil: null });
    fc.assert(
      fc.property(text, text, fc.boolean(), fc.array(fc.record({ value: fc.string({ unit: 'binary' }), type: text, primary: fc.boolean() }), { maxLength: 3 }), (title, manager, active, emails) => {
        const u = user('usr\u00e9"\\', { title, managerEmail: manager, active, emails, familyName: title });
        expect(userRecordJson(u)).toBe(canonicalJson(digestUserRecord(u)));
      }),
      { numRuns: 300 },
    );
  });

  it('refuses records out of order or repeated, and sections out of order', () => {
    expect(() => computeSnapshotDigest({ groups: [{ id: 'b', displayName: 'B' }, { id: 'a', displayName: 'A' }], memberships: [], users: [] })).toThrow(DigestOrderError);
    expect(() => computeSnapshotDigest({ groups: [], memberships: [{ groupId: 'g', userId: 'u' }, { groupId: 'g', userId: 'u' }], users: [] })).toThrow(/repeated/);
    const d = createSnapshotDigester();
    d.user(user('usr1'));
    expect(() => d.group({ id: 'g', displayName: 'G' })).toThrow(/groups must come before users/);
  });

  it('changes when any one field changes', () => {
    const base = { groups: [{ id: 'g', displayName: 'G' }], memberships: [{ groupId: 'g', userId: 'u' }], users: [user('u')] };
    const digest = computeSnapshotDigest(base);
    expect(computeSnapshotDigest({ ...base, users: [user('u', { managerEmail: 'boss@example.com' })] })).not.toBe(digest);
    expect(computeSnapshotDigest({ ...base, users: [user('u', { active: false })] })).not.toBe(digest);
    expect(computeSnapshotDigest({ ...base, groups: [{ id: 'g', displayName: 'G2' }] })).not.toBe(digest);
    expect(computeSnapshotDigest({ ...base, memberships: [] })).not.toBe(digest);
  });
});

describe('compareIds (SQLite BINARY = UTF-8 byte order)', () => {
  it('orders like the UTF-8 bytes, also where UTF-16 code units disagree', () => {
    // U+FF21 (one UTF-16 unit, 0xEF… in UTF-8) sorts before U+1F600 (a surrogate pair, 0xF0… in UTF-8).
    expect(compareIds('\uFF21', '\u{1F600}')).toBeLessThan(0);
    expect('\uFF21' < '\u{1F600}').toBe(false);
    // Same high surrogate, different low surrogates (found by the property below).
    expect(compareIds('\u{1D001}', '\u{1D000}')).toBeGreaterThan(0);
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), fc.string({ unit: 'grapheme' }), (a, b) => {
        expect(Math.sign(compareIds(a, b))).toBe(Math.sign(Buffer.compare(Buffer.from(a), Buffer.from(b))));
      }),
      { numRuns: 5000 },
    );
  });
});
