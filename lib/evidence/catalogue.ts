import type { TEvidenceFileName } from './types';

/**
 * The files of an evidence package, in the order a zip holds them. manifest.json is not listed:
 * it is written after them (it holds their hashes) and describes them.
 */

export const MANIFEST_FILE_NAME = 'manifest.json';

export type TEvidenceFileSpec = { name: TEvidenceFileName; contentType: string; description: string };

const CSV = 'text/csv; charset=utf-8';

export const EVIDENCE_FILES: readonly TEvidenceFileSpec[] = [
  {
    name: 'report.html',
    contentType: 'text/html; charset=utf-8',
    description:
      'The printable report: campaign parameters, stages, population source and reconciliation, exclusions, reviewers and sign-offs, separation of duties, every revocation with its remediation, exceptions, access after remediation, audit chain status.',
  },
  {
    name: 'decisions.csv',
    contentType: CSV,
    description:
      'One row per review item (every item exactly once): user, access, reviewer (and original reviewer), decision, comment, who decided and when, signals, recommendation, remediation status, the stage, "not sure" pass, carry-over and exclusion of the item, and its result in each earlier stage (stage1_decision, stage1_reviewer, …).',
  },
  { name: 'remediation.csv', contentType: CSV, description: 'Every remediation outbox row of the campaign: the exact SCIM request, status, response status and body, times, verification note or error.' },
  {
    name: 'population.csv',
    contentType: CSV,
    description: "The slice of the campaign's snapshot that its scope selects (users, and memberships when they are reviewed), each with the id of the item that reviewed it.",
  },
  {
    name: 'reconciliation.csv',
    contentType: CSV,
    description: 'Access after remediation: every revoked access (confirmed absent or not) and every other change for the users in scope, from the newest reconciliation. Header only when none exists.',
  },
];

export const EVIDENCE_FILE_NAMES: readonly TEvidenceFileName[] = EVIDENCE_FILES.map((f) => f.name);

export function isEvidenceFileName(name: string): name is TEvidenceFileName {
  return (EVIDENCE_FILE_NAMES as readonly string[]).includes(name);
}

export function evidenceFileSpec(name: TEvidenceFileName): TEvidenceFileSpec {
  return EVIDENCE_FILES.find((f) => f.name === name) as TEvidenceFileSpec;
}
