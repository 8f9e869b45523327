import 'server-only';
import type { TComposed } from './compose';
import { insertKey, insertNotification } from './queries';

/**
 * Write one notification and the keys it covers. Runs inside the caller's transaction, so the
 * notification exists if and only if its keys do: a key is what stops the same notice twice.
 */
export function storeNotification(recipientEmail: string, composed: TComposed, keys: readonly string[], createdAt: string): number {
  const id = insertNotification({
    recipientEmail: recipientEmail.toLowerCase(),
    kind: composed.kind,
    campaignId: composed.campaignId,
    subject: composed.subject,
    bodyText: composed.bodyText,
    linkPath: composed.linkPath,
    createdAt,
  });
  for (const key of keys) insertKey(key, id);
  return id;
}

/** Dedupe keys; the parts are numbers and lowercased emails, so ':' cannot be ambiguous in practice. */
export const noticeKeys = {
  start: (campaignId: number, stage: number, email: string) => `start:${campaignId}:${stage}:${email}`,
  reminder: (campaignId: number, stage: number, email: string, daysBefore: number) => `reminder:${campaignId}:${stage}:${email}:${daysBefore}d`,
  overdue: (campaignId: number, stage: number, email: string, period: number) => `overdue:${campaignId}:${stage}:${email}:${period}`,
  escalation: (campaignId: number, stage: number, email: string) => `escalation:${campaignId}:${stage}:${email}`,
};

/** The campaign, stage and reviewer a key is about (every key names one), or null for an unknown shape. */
export function parseNoticeKey(key: string): { kind: string; campaignId: number; stage: number; reviewerEmail: string } | null {
  const m = /^(start|reminder|overdue|escalation):(\d+):(\d+):([^:]+)(?::[^:]+)?$/.exec(key);
  if (!m) return null;
  return { kind: m[1]!, campaignId: Number(m[2]), stage: Number(m[3]), reviewerEmail: m[4]! };
}
