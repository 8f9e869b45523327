'use server';

import { revalidatePath } from 'next/cache';
import { defineAction } from '@/lib/actions/define-action';
import { markRead, ZMarkReadInput } from '@/lib/notifications';

/**
 * Mark the signed-in user's notifications read: `{ ids }` or `{ all: true }`. Any signed-in role;
 * lib/notifications matches on the user's email, so ids of someone else's notifications change nothing.
 */
export const markNotificationsReadAction = defineAction(ZMarkReadInput, { roles: [] }, (input, { user }) => {
  const marked = markRead(user.email, 'all' in input ? 'all' : input.ids);
  // The unread badge lives in the app shell.
  revalidatePath('/', 'layout');
  return { marked };
});
