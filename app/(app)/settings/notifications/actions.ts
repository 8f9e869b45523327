'use server';

import { revalidatePath } from 'next/cache';
import { defineAction } from '@/lib/actions/define-action';
import {
  saveNotificationRules,
  saveSmtpSettings,
  sendTestMail,
  ZNotificationRulesInput,
  ZSmtpSettingsInput,
  ZTestMailInput,
} from '@/lib/notifications';

const admin = { roles: ['admin' as const] };
const actorOf = (user: { id: string; email: string }) => ({ id: user.id, email: user.email });

/** Save the SMTP server; the password field is write-only (blank keeps the saved one). Returns the summary, never the password. */
export const saveSmtpSettingsAction = defineAction(ZSmtpSettingsInput, admin, (input, { user }) => {
  const summary = saveSmtpSettings(actorOf(user), input);
  revalidatePath('/settings/notifications');
  return summary;
});

/** Save when reminders, overdue notices and escalations go out. */
export const saveNotificationRulesAction = defineAction(ZNotificationRulesInput, admin, (input, { user }) => {
  const rules = saveNotificationRules(actorOf(user), input);
  revalidatePath('/settings/notifications');
  return rules;
});

/** Send a test mail with the saved settings; the result says what the SMTP server answered. */
export const sendTestMailAction = defineAction(ZTestMailInput, admin, (input, { user }) => sendTestMail(actorOf(user), input));
