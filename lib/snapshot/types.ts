import type { TSnapshot, TSnapshotPhase, TSnapshotStatus } from '@/db/schema';

export type { TSnapshot, TSnapshotPhase, TSnapshotStatus };

/** Who or what started a snapshot. */
export type TSnapshotTrigger = 'ui' | 'cli' | 'schedule' | 'reconciliation';
/** Which connection it read (lib/connection). */
export type TSnapshotSource = 'env' | 'saved' | 'demo';

/** One page of a server-side paginated list. `page` is 1-based. */
export type TPage<T> = { rows: T[]; total: number; page: number; pageSize: number };

/** A user of a snapshot as list pages show it. */
export type TSnapshotUserRow = {
  scimId: string;
  userName: string;
  /** Primary email, lowercased. */
  email: string;
  givenName: string | null;
  familyName: string | null;
  displayName: string | null;
  /** displayName, else "given family", else userName: what a page shows as the person's name. */
  name: string;
  title: string | null;
  active: boolean;
  department: string | null;
  costCenter: string | null;
  division: string | null;
  organization: string | null;
  managerEmail: string | null;
  managerName: string | null;
  groupCount: number;
  /** Email domain is not one of the company domains (lib/settings). */
  isExternal: boolean;
};

export type TSnapshotEmail = { value: string; type: string | null; primary: boolean };

/** One user with everything stored about them, the raw SCIM resource included (evidence). */
export type TSnapshotUserDetail = TSnapshotUserRow & { emails: TSnapshotEmail[]; raw: Record<string, unknown> };

export type TSnapshotGroupRow = { scimId: string; displayName: string; memberCount: number };
/** `raw` is the SCIM group as received, without its `members` array (stored as membership rows). */
export type TSnapshotGroupDetail = TSnapshotGroupRow & { orphanMembers: number; raw: Record<string, unknown> };

export type TSnapshotMembershipRow = {
  groupId: string;
  groupName: string;
  userId: string;
  /** Null for an orphan (the member id is not in the snapshot's user list). */
  userEmail: string | null;
  userName: string | null;
  /** The member's `display` as the group listed it. */
  memberDisplay: string | null;
  orphan: boolean;
};

/** A member of one group; user fields are null for an orphan member. */
export type TGroupMemberRow = {
  userId: string;
  email: string | null;
  name: string | null;
  title: string | null;
  department: string | null;
  active: boolean | null;
  memberDisplay: string | null;
  orphan: boolean;
};

export const USER_SORTS = ['name', 'email', 'department', 'title', 'active', 'groups'] as const;
export type TUserSort = (typeof USER_SORTS)[number];
export const GROUP_SORTS = ['name', 'members'] as const;
export type TGroupSort = (typeof GROUP_SORTS)[number];
export type TSortDir = 'asc' | 'desc';

export type TUserListQuery = {
  q?: string;
  active?: boolean;
  department?: string;
  groupId?: string;
  noGroups?: boolean;
  externalOnly?: boolean;
  sort?: TUserSort;
  dir?: TSortDir;
  page: number;
  pageSize: number;
};
export type TGroupListQuery = { q?: string; sort?: TGroupSort; dir?: TSortDir; page: number; pageSize: number };
export type TMembershipListQuery = { q?: string; groupId?: string; orphanOnly?: boolean; page: number; pageSize: number };
export type TGroupMemberQuery = { q?: string; page: number; pageSize: number };
export type TPageQuery = { page: number; pageSize: number };

/** What a running snapshot reports (persisted to its row at most every 250 ms and at phase changes). */
export type TSnapshotProgress = {
  snapshotId: number;
  phase: TSnapshotPhase;
  usersTotal: number | null;
  usersDone: number;
  groupsTotal: number | null;
  groupsDone: number;
  memberships: number;
  requests: number;
  retries: number;
  throttled: number;
  rateLimitWaitMs: number;
};
