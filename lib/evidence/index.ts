/**
 * lib/evidence — the evidence package auditors download for a campaign
 * (docs/decisions/010-evidence-package.md): report.html, decisions.csv, remediation.csv,
 * population.csv, reconciliation.csv and manifest.json, as one streamed zip or file by file;
 * reconciliation of access after remediation; offline verification of a package.
 */
export { EVIDENCE_FILES, EVIDENCE_FILE_NAMES, MANIFEST_FILE_NAME, isEvidenceFileName, type TEvidenceFileSpec } from './catalogue';
export { assertEvidenceAvailable, evidenceZipFileName, parseCampaignId } from './context';
export {
  buildEvidenceManifest,
  exportEvidenceFile,
  MANIFEST_FORMAT,
  manifestBytes,
  recordEvidenceDownload,
  streamEvidenceZip,
  writeEvidenceDirectory,
  writeEvidenceZip,
  type TEvidenceZip,
} from './package';
export {
  checkReconciliation,
  requestReconciliation,
  RECONCILIATION_CSV_HEADER,
  type TReconciliationConnection,
  type TReconciliationOutcome,
  type TRequestedReconciliation,
} from './reconciliation';
export { getEvidenceSummary } from './summary';
export { verifyEvidence } from './verify';
export * from './types';
