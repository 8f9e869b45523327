'use server';

import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { IMPORT_KINDS } from '@/db/schema';
import { defineAction } from '@/lib/actions/define-action';
import { commitImport, formatBytes, MAX_IMPORT_BYTES, previewImport } from '@/lib/imports';
import { setStaleThresholds } from '@/lib/settings';
import { deactivateStaleAccounts, MAX_DEACTIVATIONS } from '@/lib/stale';

const admin = { roles: ['admin' as const] };
const actorOf = (user: { id: string; email: string }) => ({ id: user.id, email: user.email });

// The size is checked here, before the bytes are read, and again in lib/imports. Next's own
// serverActions.bodySizeLimit must allow the upload through (see docs/decisions/009-stale-accounts.md).
const ZUpload = z.object({
  kind: z.enum(IMPORT_KINDS, { error: 'Choose HR roster or Last activity.' }),
  file: z
    .instanceof(File, { error: 'Choose a CSV file.' })
    .refine((f) => f.size <= MAX_IMPORT_BYTES, { error: `The file is larger than ${formatBytes(MAX_IMPORT_BYTES)}; split it or remove unused columns.` }),
});

const bytesOf = async (file: File): Promise<Uint8Array> => new Uint8Array(await file.arrayBuffer());

/** Validate an upload and show what it would import (writes nothing). */
export const previewImportAction = defineAction(ZUpload, admin, async (input) => previewImport(input.kind, await bytesOf(input.file), input.file.name));

/** Import the previewed file (the SHA-256 from the preview must match): all rows or none. */
export const commitImportAction = defineAction(
  ZUpload.extend({ sha256: z.string().regex(/^[0-9a-f]{64}$/, 'Preview the file before importing it.') }),
  admin,
  async (input, { user }) => {
    const view = commitImport(actorOf(user), input.kind, await bytesOf(input.file), input.file.name, { expectedSha256: input.sha256 });
    revalidatePath('/stale', 'layout');
    revalidatePath('/chargeback');
    return view;
  },
);

export const saveStaleThresholdsAction = defineAction(
  z.object({ inactiveDays: z.string().max(10), neverActiveGraceDays: z.string().max(10) }),
  admin,
  (input, { user }) => {
    const saved = setStaleThresholds(actorOf(user), input);
    revalidatePath('/stale');
    return saved;
  },
);

/** "Deactivate selected": hands flagged, active accounts to the remediation outbox with the justification. */
export const deactivateStaleAccountsAction = defineAction(
  z.object({
    userScimIds: z.array(z.string().min(1).max(100)).min(1, 'Select at least one account.').max(MAX_DEACTIVATIONS, `Select at most ${MAX_DEACTIVATIONS} accounts.`),
    justification: z.string().max(2000),
  }),
  admin,
  (input, { user }) => {
    const result = deactivateStaleAccounts(actorOf(user), input);
    revalidatePath('/stale');
    return result;
  },
);
