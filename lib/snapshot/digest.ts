import { createHash } from 'node:crypto';

/**
 * The snapshot digest: a SHA-256 an auditor can recompute from the JSON export with any language.
 * Pure (no database); the snapshot writer and the JSON verifier both go through
 * `createSnapshotDigester`, so taking and verifying can never disagree.
 */

export const DIGEST_ALGORITHM = 'sha256';
export const DIGEST_VERSION = 'attest-snapshot-digest/v1';

/** The definition, word for word as written into every JSON export. */
export const DIGEST_DEFINITION =
  'Lowercase hex SHA-256 of the UTF-8 bytes of canonicalJson({"groups": G, "memberships": M, "users": U}), ' +
  'where canonicalJson sorts object keys (all ASCII) at every level and writes no whitespace (JSON.stringify of the sorted value); ' +
  'G = every group as {"displayName","id"}, sorted by id; ' +
  'M = every membership as {"groupId","userId"}, sorted by groupId then userId; ' +
  'U = every user as {"active","costCenter","department","displayName","division","email","emails","familyName","givenName","id","managerEmail","managerName","organization","title","userName"} ' +
  '(absent values are null, emails keep the server order, each email {"primary","type","value"}), sorted by id. ' +
  'Ids compare by their UTF-8 bytes (SQLite BINARY collation). ' +
  'The "groups", "memberships" and "users" arrays of the export hold exactly these records in this order.';

export type TDigestEmail = { value: string; type: string | null; primary: boolean };

/** A user as the digest (and the JSON export) sees it: the stored fields, raw JSON excluded. */
export type TDigestUser = {
  id: string;
  userName: string;
  email: string;
  givenName: string | null;
  familyName: string | null;
  displayName: string | null;
  title: string | null;
  active: boolean;
  department: string | null;
  costCenter: string | null;
  division: string | null;
  organization: string | null;
  managerEmail: string | null;
  managerName: string | null;
  emails: TDigestEmail[];
};
export type TDigestGroup = { id: string; displayName: string };
export type TDigestMembership = { groupId: string; userId: string };

export class DigestOrderError extends Error {
  override name = 'DigestOrderError';
}

/**
 * Compare two ids by their UTF-8 bytes, as SQLite's BINARY collation does. UTF-16 code-unit order
 * (JS `<`) agrees except when a surrogate pair meets U+E000..U+FFFF, so only then are bytes compared.
 */
export function compareIds(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    if (x < 0xd800 || y < 0xd800) return x - y;
    // Compare whole code points (their order is the UTF-8 byte order), starting at the high
    // surrogate when the difference is in a low one. The prefix before i is equal in both.
    const j = i > 0 && (a.charCodeAt(i - 1) & 0xfc00) === 0xd800 ? i - 1 : i;
    return (a.codePointAt(j) ?? 0) - (b.codePointAt(j) ?? 0);
  }
  return a.length - b.length;
}

/** The canonical record of a user (all fields, nulls explicit), as hashed and exported. */
export function digestUserRecord(user: TDigestUser): TDigestUser {
  return {
    id: user.id,
    userName: user.userName,
    email: user.email,
    givenName: user.givenName ?? null,
    familyName: user.familyName ?? null,
    displayName: user.displayName ?? null,
    title: user.title ?? null,
    active: user.active,
    department: user.department ?? null,
    costCenter: user.costCenter ?? null,
    division: user.division ?? null,
    organization: user.organization ?? null,
    managerEmail: user.managerEmail ?? null,
    managerName: user.managerName ?? null,
    emails: user.emails.map((e) => ({ value: e.value, type: e.type ?? null, primary: e.primary })),
  };
}

/** canonicalJson of a group record, built directly (it runs per row; equal to canonicalJson's output). */
export function groupRecordJson(group: TDigestGroup): string {
  return `{"displayName":${JSON.stringify(group.displayName)},"id":${JSON.stringify(group.id)}}`;
}

/** canonicalJson of a membership record, built directly (a million rows per snapshot). */
export function membershipRecordJson(groupId: string, userId: string): string {
  return `{"groupId":${JSON.stringify(groupId)},"userId":${JSON.stringify(userId)}}`;
}

const str = (v: string | null | undefined): string => (v === null || v === undefined ? 'null' : JSON.stringify(v));

/**
 * canonicalJson of a user record, built with the keys already in sorted order (100k users per
 * snapshot; digest.test.ts checks it equals `canonicalJson(digestUserRecord(user))`).
 */
export function userRecordJson(user: TDigestUser): string {
  let emails = '';
  for (const e of user.emails) {
    emails += `${emails ? ',' : ''}{"primary":${e.primary ? 'true' : 'false'},"type":${str(e.type)},"value":${JSON.stringify(e.value)}}`;
  }
  return (
    `{"active":${user.active ? 'true' : 'false'},"costCenter":${str(user.costCenter)},"department":${str(user.department)},` +
    `"displayName":${str(user.displayName)},"division":${str(user.division)},"email":${JSON.stringify(user.email)},"emails":[${emails}],` +
    `"familyName":${str(user.familyName)},"givenName":${str(user.givenName)},"id":${JSON.stringify(user.id)},` +
    `"managerEmail":${str(user.managerEmail)},"managerName":${str(user.managerName)},"organization":${str(user.organization)},` +
    `"title":${str(user.title)},"userName":${JSON.stringify(user.userName)}}`
  );
}

const SECTIONS = ['groups', 'memberships', 'users'] as const;
type TSection = (typeof SECTIONS)[number];
const FLUSH_AT = 1 << 16;

export type TSnapshotDigester = {
  group: (group: TDigestGroup) => void;
  membership: (groupId: string, userId: string) => void;
  /**
   * A membership record already in canonical JSON, from a source that guarantees the order and
   * uniqueness (the database's primary key): no order check. Do not use for outside input.
   */
  membershipJson: (json: string) => void;
  user: (user: TDigestUser) => void;
  /** Close every section and return the hex digest; the digester cannot be used afterwards. */
  digest: () => string;
  readonly counts: { groups: number; memberships: number; users: number };
};

/**
 * An incremental digester: feed groups, then memberships, then users (the canonical key order),
 * each section in ascending id order. Writes the canonical JSON into the hash in 64 KB pieces, so
 * a million memberships never become one string. Throws `DigestOrderError` on a record out of
 * order or repeated (the definition needs one order; silently sorting would hide a bug).
 */
export function createSnapshotDigester(): TSnapshotDigester {
  const hash = createHash(DIGEST_ALGORITHM);
  let buffer = '{"groups":[';
  let section = 0;
  let first = true;
  let finished = false;
  let prevA: string | null = null;
  let prevB: string | null = null;
  const counts = { groups: 0, memberships: 0, users: 0 };

  const write = (text: string): void => {
    buffer += text;
    if (buffer.length >= FLUSH_AT) {
      hash.update(buffer, 'utf8');
      buffer = '';
    }
  };
  const enter = (target: number): void => {
    if (finished) throw new Error('digester already finished');
    if (target < section) throw new DigestOrderError(`${SECTIONS[target]} must come before ${SECTIONS[section]}`);
    while (section < target) {
      section++;
      first = true;
      prevA = null;
      prevB = null;
      write(section < SECTIONS.length ? `],"${SECTIONS[section] as TSection}":[` : ']}');
    }
  };
  const record = (json: string): void => {
    write(first ? json : `,${json}`);
    first = false;
  };
  const checkOrder = (what: string, a: string, b: string | null): void => {
    if (prevA !== null) {
      const byA = compareIds(prevA, a);
      const cmp = byA !== 0 || b === null || prevB === null ? byA : compareIds(prevB, b);
      if (cmp >= 0) {
        const key = b === null ? a : `${a}/${b}`;
        throw new DigestOrderError(`${what} ${key} is ${cmp === 0 ? 'repeated' : 'out of order'}: records must be sorted by id (UTF-8 bytes)`);
      }
    }
    prevA = a;
    prevB = b;
  };

  return {
    counts,
    group(group) {
      enter(0);
      checkOrder('group', group.id, null);
      record(groupRecordJson(group));
      counts.groups++;
    },
    membership(groupId, userId) {
      enter(1);
      checkOrder('membership', groupId, userId);
      record(membershipRecordJson(groupId, userId));
      counts.memberships++;
    },
    membershipJson(json) {
      enter(1);
      record(json);
      counts.memberships++;
    },
    user(user) {
      enter(2);
      checkOrder('user', user.id, null);
      record(userRecordJson(user));
      counts.users++;
    },
    digest() {
      enter(SECTIONS.length);
      finished = true;
      hash.update(buffer, 'utf8');
      buffer = '';
      return hash.digest('hex');
    },
  };
}

export type TDigestInput = {
  groups: Iterable<TDigestGroup>;
  memberships: Iterable<TDigestMembership>;
  users: Iterable<TDigestUser>;
};

/**
 * The snapshot digest of sorted records (see `DIGEST_DEFINITION`). Pure and streaming: the
 * iterables are consumed once, in the order groups, memberships, users. Throws
 * `DigestOrderError` when a section is not sorted by id.
 */
export function computeSnapshotDigest(input: TDigestInput): string {
  const d = createSnapshotDigester();
  for (const g of input.groups) d.group(g);
  for (const m of input.memberships) d.membership(m.groupId, m.userId);
  for (const u of input.users) d.user(u);
  return d.digest();
}

/** Sort copies of the records into digest order (for verifying a JSON file someone re-serialised). */
export function sortForDigest(input: { groups: TDigestGroup[]; memberships: TDigestMembership[]; users: TDigestUser[] }): {
  groups: TDigestGroup[];
  memberships: TDigestMembership[];
  users: TDigestUser[];
} {
  return {
    groups: [...input.groups].sort((a, b) => compareIds(a.id, b.id)),
    memberships: [...input.memberships].sort((a, b) => compareIds(a.groupId, b.groupId) || compareIds(a.userId, b.userId)),
    users: [...input.users].sort((a, b) => compareIds(a.id, b.id)),
  };
}
