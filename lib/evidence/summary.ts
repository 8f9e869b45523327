import 'server-only';
import { EVIDENCE_FILES, MANIFEST_FILE_NAME } from './catalogue';
import { evidenceZipFileName, loadEvidenceContext, parseCampaignId } from './context';
import { appConnection, countItems, countPopulationRows, readCampaign, readRemediationCounts } from './queries';
import { reconciliationState } from './reconciliation';
import type { TEvidenceFileName, TEvidenceSummary } from './types';

/**
 * What the campaign page shows about a campaign's evidence: the files with their row counts and
 * the state of the newest reconciliation. Null for an unknown campaign. A draft has no evidence
 * (`available: false`, no files). Counts come from the same queries the package uses, on the app
 * connection; reconciliation.csv's count is known once a check is recorded (null before).
 */
export function getEvidenceSummary(campaignId: number): TEvidenceSummary | null {
  const id = parseCampaignId(campaignId);
  if (id === null) return null;
  const db = appConnection();
  const raw = readCampaign(db, id);
  if (!raw) return null;
  const base = { campaignId: id, campaignName: raw.name, status: raw.status, zipFileName: evidenceZipFileName(id) };
  if (raw.status === 'draft') return { ...base, available: false, inProgress: false, files: [], reconciliation: { state: 'none' } };
  const ctx = loadEvidenceContext(db, id);
  const reconciliation = reconciliationState(ctx.reconciliation);
  const c = ctx.campaign;
  const rows: Record<TEvidenceFileName, number | null> = {
    'report.html': null,
    'decisions.csv': countItems(db, id),
    'remediation.csv': readRemediationCounts(db, id).total,
    'population.csv': countPopulationRows(db, c.snapshotId, c.scope, c.reviewMemberships),
    'reconciliation.csv':
      reconciliation.state === 'checked'
        ? (['revocation_confirmed', 'revocation_not_applied', 'changed_unexpectedly', 'attribute_changed'] as const).reduce((sum, k) => sum + reconciliation.result.counts[k], 0)
        : reconciliation.state === 'unchecked'
          ? null
          : 0,
  };
  return {
    ...base,
    available: true,
    inProgress: raw.status !== 'closed',
    files: [
      ...EVIDENCE_FILES.map((f) => ({ name: f.name, description: f.description, rows: rows[f.name] })),
      { name: MANIFEST_FILE_NAME, description: 'Name, row count, size and SHA-256 of every file, written last.', rows: null },
    ],
    reconciliation,
  };
}
