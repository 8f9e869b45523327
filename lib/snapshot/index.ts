/**
 * lib/snapshot — point-in-time copies of the directory (docs/decisions/005-snapshots.md).
 * Taking: take-snapshot.ts (+ writer.ts, recovery.ts); reading: read.ts; diff: diff.ts;
 * exports: export.ts; retention: retention.ts; digest: digest.ts (pure).
 */
export {
  startSnapshot,
  takeSnapshot,
  type TStartSnapshotOptions,
  type TStartedSnapshot,
} from './take-snapshot';
export { requestSnapshotCancel } from './cancel';
export { recoverInterruptedSnapshots, describeInterruption, HEARTBEAT_STALE_MS } from './recovery';
export { createSnapshotWriter, type TSnapshotWriter, type TSnapshotWriterOptions, type TWriterCounts, type TWriterResult } from './writer';
export {
  getCurrentSnapshot,
  getRunningSnapshot,
  getSnapshot,
  getSnapshotGroup,
  getSnapshotUser,
  listGroupMembers,
  listGroupsOfUser,
  listSnapshotDepartments,
  listSnapshotOrgUnits,
  listSnapshotGroups,
  listSnapshotMemberships,
  listSnapshots,
  listSnapshotUsers,
  MAX_PAGE_SIZE,
  ZGroupListQuery,
  ZGroupMemberQuery,
  ZMembershipListQuery,
  ZPageQuery,
  ZUserListQuery,
} from './read';
export { DIFF_CSV_HEADER, DIFF_FIELDS, DIFF_KINDS, diffSnapshots, listDiffEntries, streamDiffCsv, type TDiffEntry, type TDiffField, type TDiffKind, type TDiffQuery, type TDiffSummary } from './diff';
export {
  buildSnapshotManifest,
  exportSnapshot,
  exportSnapshotGroupsCsv,
  exportSnapshotJson,
  exportSnapshotMembershipsCsv,
  exportSnapshotUsersCsv,
  recordSnapshotExport,
  SNAPSHOT_EXPORT_KINDS,
  SNAPSHOT_JSON_FORMAT,
  snapshotExportFileName,
  verifySnapshotJsonDigest,
  type TDigestVerification,
  type TManifestFile,
  type TSnapshotExportKind,
  type TSnapshotManifest,
} from './export';
export { applySnapshotRetention, referencedSnapshotIds, registerSnapshotReferenceCheck, type TRetentionOptions, type TRetentionResult } from './retention';
export {
  compareIds,
  computeSnapshotDigest,
  createSnapshotDigester,
  DIGEST_ALGORITHM,
  DIGEST_DEFINITION,
  DIGEST_VERSION,
  DigestOrderError,
  type TDigestGroup,
  type TDigestInput,
  type TDigestMembership,
  type TDigestUser,
} from './digest';
export * from './types';
