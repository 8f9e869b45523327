import type { TCampaignStatus } from '@/db/schema';

/** Result types of lib/evidence (what routes, scripts and the campaign page use). Pure types. */

/** The files of an evidence package, in the order they are written (manifest.json comes last, see files.ts). */
export type TEvidenceFileName = 'report.html' | 'decisions.csv' | 'remediation.csv' | 'population.csv' | 'reconciliation.csv';

/** One file as the manifest describes it. `rows` counts data records (CSV header excluded); null for report.html. */
export type TManifestEntry = { name: TEvidenceFileName; rows: number | null; bytes: number; sha256: string };

export type TEvidenceManifest = {
  format: 'attest-evidence-package/v1';
  campaignId: number;
  campaignName: string;
  campaignStatus: TCampaignStatus;
  /** The campaign was still active when the package was generated: decisions may still change. */
  inProgress: boolean;
  snapshotId: number;
  snapshotDigest: string | null;
  /** The reconciliation whose result the package holds, or null when none was requested yet. */
  reconciliationId: number | null;
  generatedAt: string;
  /** `attest <package.json version>`. */
  generator: string;
  hashAlgorithm: 'sha256';
  files: TManifestEntry[];
};

export type TReconciliationCategory = 'revocation_confirmed' | 'revocation_not_applied' | 'changed_unexpectedly' | 'attribute_changed';

/** Which change a reconciliation row describes. */
export type TReconciliationChange =
  | 'access_removed'
  | 'access_still_present'
  | 'access_present_again'
  | 'user_removed'
  | 'user_deactivated'
  | 'user_reactivated'
  | 'membership_removed'
  | 'membership_added'
  | 'attribute';

/** Counts of a reconciliation check; `flagged` = not applied + changed unexpectedly. */
export type TReconciliationCounts = Record<TReconciliationCategory, number> & { revocations: number; flagged: number };

export type TReconciliationFinding = {
  category: TReconciliationCategory;
  change: TReconciliationChange;
  itemId: number | null;
  userScimId: string;
  userEmail: string | null;
  groupScimId: string | null;
  groupName: string | null;
  field: string | null;
  before: string | null;
  after: string | null;
  remediationStatus: string | null;
  remediationAppliedAt: string | null;
  remediationVerifiedAt: string | null;
  note: string;
};

/** What `checkReconciliation` stores in `campaign_reconciliations.result_json` and returns. */
export type TReconciliationResult = {
  reconciliationId: number;
  campaignId: number;
  campaignSnapshotId: number;
  snapshotId: number;
  /** When the fresh snapshot started: remediation applied before this instant must show in it. */
  snapshotStartedAt: string;
  /** 'clean': every revoked access is gone and nothing else changed for the users in scope. */
  status: 'clean' | 'flagged';
  counts: TReconciliationCounts;
  /** The first flagged findings (all of them are in reconciliation.csv). */
  flaggedSample: TReconciliationFinding[];
  checkedAt: string;
};

export type TReconciliationState =
  | { state: 'none' }
  | { state: 'running'; reconciliationId: number; snapshotId: number; requestedAt: string; requestedByEmail: string }
  | { state: 'failed'; reconciliationId: number; snapshotId: number; requestedAt: string; requestedByEmail: string; error: string }
  /** The snapshot completed but no check was recorded (the process stopped in between): the package computes it anyway. */
  | { state: 'unchecked'; reconciliationId: number; snapshotId: number; requestedAt: string; requestedByEmail: string }
  | { state: 'checked'; reconciliationId: number; snapshotId: number; requestedAt: string; requestedByEmail: string; result: TReconciliationResult };

export type TEvidenceFileSummary = { name: TEvidenceFileName | 'manifest.json'; description: string; rows: number | null };

/** What the campaign page shows about the evidence of a campaign. */
export type TEvidenceSummary = {
  campaignId: number;
  campaignName: string;
  status: TCampaignStatus;
  /** Evidence exists only for launched campaigns. */
  available: boolean;
  inProgress: boolean;
  zipFileName: string;
  files: TEvidenceFileSummary[];
  reconciliation: TReconciliationState;
};

export type TVerifyProblemKind = 'missing' | 'extra' | 'sha256' | 'bytes' | 'rows' | 'unreadable' | 'manifest';

export type TVerifyProblem = { file: string; kind: TVerifyProblemKind; message: string };

export type TEvidenceVerification = {
  ok: boolean;
  source: 'directory' | 'zip';
  /** The manifest as read (null when missing or unreadable). */
  manifest: TEvidenceManifest | null;
  /** SHA-256 of manifest.json as found: compare with the `evidence.manifest_issued` row of the audit log. */
  manifestSha256: string | null;
  /** Files whose hash, size and row count all match. */
  verified: string[];
  problems: TVerifyProblem[];
};
