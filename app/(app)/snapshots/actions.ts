'use server';

import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { defineAction } from '@/lib/actions/define-action';
import { startBackgroundSnapshot } from '@/lib/jobs/snapshot-job';
import { requestSnapshotCancel } from '@/lib/snapshot';

const admin = { roles: ['admin' as const] };
const actorOf = (user: { id: string; email: string }) => ({ id: user.id, email: user.email });

export const startSnapshotAction = defineAction(z.object({}), admin, (_input, { user }) => {
  const started = startBackgroundSnapshot(actorOf(user));
  revalidatePath('/snapshots');
  return started;
});

export const cancelSnapshotAction = defineAction(z.object({ snapshotId: z.coerce.number().int().positive() }), admin, (input, { user }) => {
  const row = requestSnapshotCancel(actorOf(user), input.snapshotId);
  return { snapshotId: row.id };
});
