'use server';

import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { defineAction } from '@/lib/actions/define-action';
import {
  createTemplate,
  deleteTemplate,
  nestFormFields,
  previewSchedule,
  setTemplateEnabled,
  templateAsInput,
  updateTemplate,
  ZSchedulePreviewInput,
  ZTemplateId,
  ZTemplateInput,
} from '@/lib/schedule';

const admin = { roles: ['admin' as const] };
const actorOf = (user: { id: string; email: string }) => ({ id: user.id, email: user.email });

// The form posts flat FormData with dotted names (`scope.kind`, `laterStages.0.durationDays`),
// which are also the error paths, so errors land beside their fields.
const ZTemplateForm = z.preprocess(nestFormFields, ZTemplateInput);
const ZEnabled = z.union([z.boolean(), z.enum(['true', 'false'])]).transform((v) => v === true || v === 'true');

export const createTemplateAction = defineAction(ZTemplateForm, admin, (input, { user }) => {
  // The lib parses again (its input type); the parsed values are valid input for it.
  const template = createTemplate(actorOf(user), templateAsInput(input));
  revalidatePath('/campaigns/templates');
  return { id: template.id };
});

export const updateTemplateAction = defineAction(
  z.preprocess(nestFormFields, ZTemplateInput.and(z.object({ templateId: ZTemplateId }))),
  admin,
  (input, { user }) => {
    const template = updateTemplate(actorOf(user), input.templateId, templateAsInput(input));
    revalidatePath('/campaigns/templates', 'layout');
    return { id: template.id };
  },
);

export const setTemplateEnabledAction = defineAction(z.object({ templateId: ZTemplateId, enabled: ZEnabled }), admin, (input, { user }) => {
  const template = setTemplateEnabled(actorOf(user), input.templateId, input.enabled);
  revalidatePath('/campaigns/templates', 'layout');
  return { id: template.id, enabled: template.enabled };
});

export const deleteTemplateAction = defineAction(z.object({ templateId: ZTemplateId }), admin, (input, { user }) => {
  deleteTemplate(actorOf(user), input.templateId);
  revalidatePath('/campaigns/templates');
  return { id: input.templateId };
});

/** The form's live "next runs" preview, computed on the server with the scheduler's own rules. */
export const previewScheduleAction = defineAction(ZSchedulePreviewInput, admin, (input) => previewSchedule({ schedule: 'cron', cron: input.cron, timezone: input.timezone }));
