import 'server-only';
import { composeNotice } from './compose';
import { getCampaignNoticeRow, inWriteTransaction, keyExists, listStageQueueCounts } from './queries';
import { noticeKeys, storeNotification } from './store';

/**
 * Queue the "your review has started" notice of the campaign's current stage: one notification per
 * reviewer with items in that stage's queue ('launch' for stage 1, 'stage_started' after), with
 * their item count, the due date and a link to their queue. Synchronous, no I/O but SQLite:
 * lib/review calls it inside its launch / advance transaction, so the notices commit (or roll back)
 * with the launch; the mail goes out later from the outbox. Called again for the same stage it
 * queues nothing (key `start:<campaign>:<stage>:<email>`). Call it once the stage's items are
 * assigned and the campaign's `current_stage` / `due_at` name that stage. Returns how many were queued.
 */
export function queueStageStartNotices(campaignId: number): number {
  return inWriteTransaction(() => {
    const c = getCampaignNoticeRow(campaignId);
    if (!c || c.status !== 'active') return 0;
    const now = new Date();
    const createdAt = now.toISOString();
    let queued = 0;
    for (const q of listStageQueueCounts(campaignId, c.stage)) {
      const key = noticeKeys.start(campaignId, c.stage, q.reviewerEmail);
      if (keyExists(key)) continue;
      const composed = composeNotice(
        {
          kind: c.stage === 1 ? 'launch' : 'stage_started',
          recipientEmail: q.reviewerEmail,
          campaignId,
          campaignName: c.name,
          stage: c.stage,
          stageCount: c.stageCount,
          dueAt: c.dueAt,
          items: q.items,
          open: q.open,
        },
        now,
      );
      storeNotification(q.reviewerEmail, composed, [key], createdAt);
      queued++;
    }
    return queued;
  });
}
