import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import yauzl from 'yauzl';
import { ZipFile } from 'yazl';
import { getDb } from '@/db/client';
import type { SimStore } from '@/lib/airtable-sim';
import type { TActor } from '@/lib/audit';
import { bulkDecide, createCampaignDraft, launchCampaign, type TCampaignInput, type TDecision, type TReviewItemRow } from '@/lib/review';
import { actor, ADMIN, allItems, campaignInput, snapshotFromStore } from '@/lib/review/testing';

/**
 * Test and benchmark helpers for lib/evidence: a launched campaign with one fixed reviewer,
 * decisions in bulk, and zip / CSV readers to look inside a package. Outbox rows come from the
 * real close (`closeCampaign` → lib/remediation's `enqueueCampaignRevocations`). Not used by app code.
 */

/** The one reviewer of the fixture campaigns; not a directory user, so no item is their own. */
export const REVIEWER = 'reviewer@evidence.test';
export const REVIEWER_ACTOR: TActor = actor(REVIEWER);
export { ADMIN };

export type TLaunched = { snapshotId: number; campaignId: number; items: TReviewItemRow[] };

/** Launch a campaign over `snapshotId` (or a snapshot copied from `store`) reviewed by `REVIEWER`. */
export function launchedCampaign(source: { store: SimStore } | { snapshotId: number }, overrides: Partial<TCampaignInput> = {}): TLaunched {
  const snapshotId = 'store' in source ? snapshotFromStore(source.store) : source.snapshotId;
  const draft = createCampaignDraft(
    ADMIN,
    campaignInput(snapshotId, { reviewerRule: 'fixed', fixedReviewerEmail: REVIEWER, fallbackReviewerEmail: 'fallback@evidence.test', ...overrides }),
  );
  launchCampaign(ADMIN, draft.id);
  return { snapshotId, campaignId: draft.id, items: allItems(draft.id) };
}

/** Decide items as `REVIEWER`, in bulk requests of at most 5,000. */
export function decide(campaignId: number, items: readonly TReviewItemRow[], decision: TDecision, comment?: string): void {
  for (let i = 0; i < items.length; i += 5_000) {
    const chunk = items.slice(i, i + 5_000);
    if (chunk.length === 0) return;
    bulkDecide(REVIEWER_ACTOR, { campaignId, decision, comment, target: { itemIds: chunk.map((r) => r.id) } });
  }
}

/** A fresh temporary directory. */
export function tempDir(prefix = 'attest-evidence-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export type TZipEntry = { name: string; data: Buffer };

/** Every file entry of a zip, in the order the zip stores them. */
export async function readZip(path: string): Promise<TZipEntry[]> {
  const zip = await yauzl.openPromise(path, { lazyEntries: true, autoClose: false });
  const out: TZipEntry[] = [];
  try {
    await new Promise<void>((resolve, reject) => {
      zip.on('entry', (entry: yauzl.Entry) => {
        zip
          .openReadStreamPromise(entry)
          .then(async (stream) => {
            const parts: Buffer[] = [];
            for await (const chunk of stream as AsyncIterable<Buffer>) parts.push(chunk);
            out.push({ name: entry.fileName, data: Buffer.concat(parts) });
            zip.readEntry();
          })
          .catch(reject);
      });
      zip.on('end', () => resolve());
      zip.on('error', reject);
      zip.readEntry();
    });
  } finally {
    zip.close();
  }
  return out;
}

/** Write entries as a zip file (to build tampered copies of a package). */
export async function writeZip(path: string, entries: readonly TZipEntry[]): Promise<void> {
  const { createWriteStream } = await import('node:fs');
  const { pipeline } = await import('node:stream/promises');
  const zip = new ZipFile();
  for (const e of entries) zip.addBuffer(e.data, e.name);
  zip.end();
  await pipeline(zip.outputStream, createWriteStream(path));
}

/** A CSV file's records as arrays of strings (header first). */
export function csvRecords(data: Buffer | string): string[][] {
  return parse(typeof data === 'string' ? data : data.toString('utf8')) as string[][];
}

/** A CSV file as objects keyed by its header. */
export function csvObjects(data: Buffer | string): Array<Record<string, string>> {
  return parse(typeof data === 'string' ? data : data.toString('utf8'), { columns: true }) as Array<Record<string, string>>;
}

/** review_items columns a test may set directly: states lib/review never writes on purpose (a self-decision) or that need history (carry-over). */
export type TItemPatch = Partial<{
  reviewer_email: string;
  reviewer_reason: string;
  decided_by_email: string;
  carried_over_from_campaign_id: number | null;
}>;

/** Set columns of one item straight in the database, as only a bug or an edit could (the campaign must not be closed). */
export function patchItem(itemId: number, patch: TItemPatch): void {
  const columns = Object.keys(patch) as Array<keyof TItemPatch>;
  if (columns.length === 0) return;
  // Column names come from the typed keys above, never from data.
  const sets = columns.map((c) => `${c} = @${c}`).join(', ');
  getDb().$client.prepare(`UPDATE review_items SET ${sets} WHERE id = @id`).run({ ...patch, id: itemId });
}

/** An outbox row for an item, written directly (what a faulty close would leave for an excluded item). */
export function insertRemediationRowFor(campaignId: number, item: Pick<TReviewItemRow, 'id' | 'userScimId' | 'userEmail'>): void {
  getDb()
    .$client.prepare(
      `INSERT INTO remediation_actions (idempotency_key, source, campaign_id, item_id, kind, user_scim_id, user_email, reason, request_method,
                                        request_path, request_body, requested_by_email, updated_at)
       VALUES (@key, 'campaign', @campaignId, @itemId, 'deactivate_user', @userScimId, @userEmail, 'test', 'PATCH', @path, '{}', 'test@evidence.test', @at)`,
    )
    .run({ key: `campaign:${campaignId}:item:${item.id}`, campaignId, itemId: item.id, userScimId: item.userScimId, userEmail: item.userEmail, path: `/Users/${item.userScimId}`, at: new Date().toISOString() });
}
