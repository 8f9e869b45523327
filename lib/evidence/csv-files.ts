import 'server-only';
import { csvStream, type TCsvCell } from '@/lib/export';
import { signalKeys } from '@/lib/review/signals';
import { stageCount, type TEvidenceContext } from './context';
import {
  decisionsCsvHeader,
  iterateDecisionRows,
  iteratePopulationMemberships,
  iteratePopulationUsers,
  iterateRemediationRows,
  POPULATION_CSV_HEADER,
  REMEDIATION_CSV_HEADER,
  type TDecisionCsvRaw,
  type TPopulationCsvRaw,
} from './queries';

/**
 * decisions.csv, remediation.csv and population.csv: rows streamed from the package's read
 * transaction through lib/export's CSV writer (RFC 4180, every cell neutralised against formula
 * injection). Booleans are written `true` / `false`, empty cells mean "none".
 */

// Chunks of 250 rows (~60 KB): bench/evidence measured the default 2,000-row batches at ~3x the
// heap (the CSV writer's garbage survives into old space) and no faster.
export const CSV_ROWS_PER_CHUNK = 250;

/** One file's content: text chunks pulled on demand, and its data-row count once they are exhausted (null: not tabular). */
export type TFileContent = { chunks: AsyncIterable<string>; rows: () => number | null };

function* mapRows<T>(rows: Iterable<T>, fn: (row: T) => TCsvCell[]): Generator<TCsvCell[], void, undefined> {
  for (const row of rows) yield fn(row);
}

function csvContent(header: readonly string[], rows: () => Iterable<readonly TCsvCell[]>): TFileContent {
  let count = 0;
  async function* chunks(): AsyncGenerator<string, void, undefined> {
    yield* csvStream(header, rows(), { onRow: () => void count++, rowsPerChunk: CSV_ROWS_PER_CHUNK });
  }
  return { chunks: chunks(), rows: () => count };
}

const bool = (v: number | null): string | null => (v === null ? null : v === 1 ? 'true' : 'false');
const cellBool = (v: TCsvCell | undefined): string | null => (typeof v === 'number' ? bool(v) : null);

const DECISION_BOOL_COLUMNS = new Set(['user_active', 'decided_by_rule', 'awaiting_next_stage']);

/** decisions.csv's cell writer for a header: booleans as words, the signal bit set as its keys. */
function decisionCells(header: readonly string[]): (r: TDecisionCsvRaw) => TCsvCell[] {
  const bools = header.flatMap((name, i) => (DECISION_BOOL_COLUMNS.has(name) || /^stage\d+_passed_on$/.test(name) ? [i] : []));
  const signals = header.indexOf('signals');
  return (r) => {
    const out: TCsvCell[] = r.slice();
    for (const i of bools) out[i] = cellBool(r[i]);
    out[signals] = signalKeys(Number(r[signals] ?? 0)).join(';');
    return out;
  };
}

/**
 * decisions.csv: one row per review item, in id order (`decisionsCsvHeader`), with the item's
 * result in each stage before the last (`stage1_decision`, `stage1_reviewer`, …).
 */
export function decisionsCsv(ctx: TEvidenceContext): TFileContent {
  // MAX_STAGES is 3 (lib/review); the bound keeps a corrupt stage row from widening the file without end.
  const earlier = Math.min(stageCount(ctx), 10) - 1;
  const header = decisionsCsvHeader(earlier);
  return csvContent(header, () => mapRows(iterateDecisionRows(ctx.db, ctx.campaign.id, earlier), decisionCells(header)));
}

/** remediation.csv: every outbox row of the campaign, in id order (`REMEDIATION_CSV_HEADER`). */
export function remediationCsv(ctx: TEvidenceContext): TFileContent {
  return csvContent(REMEDIATION_CSV_HEADER, () => iterateRemediationRows(ctx.db, ctx.campaign.id));
}

function populationCells(r: TPopulationCsvRaw): TCsvCell[] {
  const out: TCsvCell[] = r.slice();
  out[7] = bool(r[7]);
  return out;
}

function* populationRows(ctx: TEvidenceContext): Generator<TCsvCell[], void, undefined> {
  const { campaign } = ctx;
  yield* mapRows(iteratePopulationUsers(ctx.db, campaign.id, campaign.snapshotId, campaign.scope), populationCells);
  // Memberships are part of the population only when the campaign reviews them.
  if (campaign.reviewMemberships) yield* mapRows(iteratePopulationMemberships(ctx.db, campaign.id, campaign.snapshotId, campaign.scope), populationCells);
}

/**
 * population.csv: the slice of the campaign's snapshot that its scope selects — users in scope
 * (record `user`, id order), then, when memberships are reviewed, their memberships in scope
 * (record `membership`, group then user order) — each with the id of the review item that covers
 * it (empty = no item: a completeness gap, or accounts not reviewed).
 */
export function populationCsv(ctx: TEvidenceContext): TFileContent {
  return csvContent(POPULATION_CSV_HEADER, () => populationRows(ctx));
}
