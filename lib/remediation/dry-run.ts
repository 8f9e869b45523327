import 'server-only';
import type { TRemediationAction } from '@/db/schema';
import { appendAudit, type TActor } from '@/lib/audit';
import { AppError } from '@/lib/errors';
import { CSV_CONTENT_TYPE, csvStream, type TCsvCell, type TExportFile } from '@/lib/export';
import {
  countCampaignActionsByKind,
  countRevokeItems,
  getCampaignRef,
  listActionPage,
  listCampaignActionsAfter,
  listRevokeItems,
  type TCampaignRef,
  type TRevokeItem,
  type TRevokeSegment,
} from './queries';
import { campaignRevokeReason, describeRemediation, remediationKindOf, storedRequest } from './requests';
import type { TDryRun, TDryRunRequest } from './types';

/**
 * The dry run: exactly the requests a campaign's remediation sends, without sending anything.
 * A campaign whose rows are queued shows the rows (the stored bytes are what goes out); any other
 * shows what its close would queue now: the revoke decisions, plus the undecided items when the
 * close rule revokes them.
 */

const PREVIEW_UNDECIDED_REASON = 'Undecided: the close rule would revoke it';

function fromAction(row: TRemediationAction): TDryRunRequest {
  const request = storedRequest(row);
  return {
    actionId: row.id,
    itemId: row.itemId,
    kind: row.kind,
    userScimId: row.userScimId,
    userEmail: row.userEmail,
    groupScimId: row.groupScimId,
    groupName: row.groupName,
    reason: row.reason,
    method: request.method,
    path: request.path,
    body: request.body,
    status: row.status,
  };
}

function fromItem(item: TRevokeItem): TDryRunRequest {
  const kind = remediationKindOf(item.kind);
  let method = 'PATCH';
  let path: string;
  let body: unknown;
  try {
    const write = describeRemediation({ kind, userScimId: item.userScimId, groupScimId: item.groupScimId });
    method = write.method;
    path = write.path;
    body = write.body;
  } catch (err) {
    // The close would refuse this item (lib/remediation/enqueue.ts); show why instead of a request.
    path = '';
    body = { error: err instanceof Error ? err.message : String(err) };
  }
  return {
    actionId: null,
    itemId: item.itemId,
    kind,
    userScimId: item.userScimId,
    userEmail: item.userEmail,
    groupScimId: kind === 'remove_membership' ? item.groupScimId : null,
    groupName: kind === 'remove_membership' ? item.groupName : null,
    reason: item.undecided === 1 ? PREVIEW_UNDECIDED_REASON : campaignRevokeReason({ decidedByEmail: item.decidedByEmail, decidedByRule: item.decidedByRule === 1, comment: item.comment }),
    method,
    path,
    body,
    status: null,
  };
}

type TPlan = {
  campaign: TCampaignRef;
  source: 'outbox' | 'preview';
  /** For a preview: the revoked items, then (close rule "revoke") the undecided ones, with their sizes. */
  segments: Array<{ segment: TRevokeSegment; total: number }>;
  byKind: TDryRun['byKind'];
};

function plan(campaignId: number): TPlan {
  if (!Number.isInteger(campaignId) || campaignId < 1) throw new AppError('not_found', 'Campaign not found.');
  const campaign = getCampaignRef(campaignId);
  if (!campaign) throw new AppError('not_found', 'Campaign not found.');
  const queued = countCampaignActionsByKind(campaignId);
  if (queued.deactivate_user + queued.remove_membership > 0) return { campaign, source: 'outbox', segments: [], byKind: queued };
  const wanted: TRevokeSegment[] = campaign.status !== 'closed' && campaign.undecidedAction === 'revoke' ? ['revoked', 'undecided'] : ['revoked'];
  const byKind = { deactivate_user: 0, remove_membership: 0 };
  const segments = wanted.map((segment) => {
    const n = countRevokeItems(campaignId, segment);
    byKind.deactivate_user += n.account;
    byKind.remove_membership += n.membership;
    return { segment, total: n.account + n.membership };
  });
  return { campaign, source: 'preview', segments, byKind };
}

/** `limit` preview items from position `offset` of the concatenated segments. */
function previewPage(p: TPlan, offset: number, limit: number): TRevokeItem[] {
  const out: TRevokeItem[] = [];
  let skip = offset;
  for (const { segment, total } of p.segments) {
    if (skip >= total) {
      skip -= total;
      continue;
    }
    out.push(...listRevokeItems(p.campaign.id, segment, { afterItemId: 0, limit: limit - out.length, offset: skip }));
    skip = 0;
    if (out.length >= limit) break;
  }
  return out;
}

/** One page of the requests (method, path, body) a campaign's remediation sends or would send; nothing is sent. */
export function dryRunCampaign(campaignId: number, options: { page?: number; pageSize?: number } = {}): TDryRun {
  const p = plan(campaignId);
  const page = Math.max(1, Math.floor(options.page ?? 1));
  const pageSize = Math.min(1_000, Math.max(1, Math.floor(options.pageSize ?? 100)));
  const offset = (page - 1) * pageSize;
  const requests =
    p.source === 'outbox'
      ? listActionPage(campaignId, undefined, pageSize, offset).rows.map(fromAction)
      : previewPage(p, offset, pageSize).map(fromItem);
  return {
    campaignId,
    campaignName: p.campaign.name,
    source: p.source,
    total: p.byKind.deactivate_user + p.byKind.remove_membership,
    byKind: p.byKind,
    requests,
    page,
    pageSize,
  };
}

const BATCH = 1_000;

/** Every request, in queue order, read in keyset batches (no iterator stays open on the shared connection). */
async function* allRequests(p: TPlan): AsyncGenerator<TDryRunRequest, void, undefined> {
  const id = p.campaign.id;
  if (p.source === 'outbox') {
    for (let after = 0; ; ) {
      const rows = listCampaignActionsAfter(id, after, BATCH);
      if (rows.length === 0) return;
      for (const row of rows) yield fromAction(row);
      after = rows[rows.length - 1]!.id;
    }
  }
  for (const { segment } of p.segments) {
    for (let after = 0; ; ) {
      const items = listRevokeItems(id, segment, { afterItemId: after, limit: BATCH });
      if (items.length === 0) break;
      for (const item of items) yield fromItem(item);
      after = items[items.length - 1]!.itemId;
    }
  }
}

export const DRY_RUN_CSV_HEADER = ['action_id', 'item_id', 'kind', 'user_scim_id', 'user_email', 'group_scim_id', 'group_name', 'reason', 'method', 'path', 'body', 'status'] as const;

async function* csvRows(p: TPlan): AsyncGenerator<TCsvCell[], void, undefined> {
  for await (const r of allRequests(p)) {
    yield [r.actionId, r.itemId, r.kind, r.userScimId, r.userEmail, r.groupScimId, r.groupName, r.reason, r.method, r.path, JSON.stringify(r.body), r.status];
  }
}

async function* jsonChunks(p: TPlan, onRow: () => void): AsyncGenerator<string, void, undefined> {
  const head = {
    format: 'attest-remediation-requests/1',
    campaignId: p.campaign.id,
    campaignName: p.campaign.name,
    source: p.source,
    total: p.byKind.deactivate_user + p.byKind.remove_membership,
    byKind: p.byKind,
  };
  // The header object without its closing brace, then the array streamed in ~500-row chunks.
  yield `${JSON.stringify(head).slice(0, -1)},"requests":[`;
  let chunk = '';
  let first = true;
  let n = 0;
  for await (const r of allRequests(p)) {
    chunk += (first ? '\n' : ',\n') + JSON.stringify(r);
    first = false;
    onRow();
    if (++n % 500 === 0) {
      yield chunk;
      chunk = '';
    }
  }
  yield `${chunk}\n]}\n`;
}

/**
 * The dry run as a download: CSV (every cell neutralised against formula injection by
 * lib/export; the body as JSON text) or one JSON document. Streamed: nothing holds every request
 * in memory. Throws not_found for an unknown campaign before anything is streamed.
 */
export function exportDryRun(campaignId: number, format: 'csv' | 'json'): TExportFile {
  const p = plan(campaignId);
  let rows = 0;
  const onRow = (): void => {
    rows++;
  };
  const base = `campaign-${campaignId}-remediation-requests`;
  if (format === 'csv') {
    return { fileName: `${base}.csv`, contentType: CSV_CONTENT_TYPE, chunks: csvStream(DRY_RUN_CSV_HEADER, csvRows(p), { onRow }), rows: () => rows };
  }
  return { fileName: `${base}.json`, contentType: 'application/json; charset=utf-8', chunks: jsonChunks(p, onRow), rows: () => rows };
}

/** Audit a downloaded dry run (`remediation.dry_run_exported`): what was about to be sent, and who took it away. */
export function recordDryRunExport(actor: TActor, campaignId: number, file: TExportFile): void {
  appendAudit({ actor, action: 'remediation.dry_run_exported', target: { type: 'campaign', id: String(campaignId) }, details: { file: file.fileName } });
}
