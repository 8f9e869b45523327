'use server';

import { z } from 'zod';
import { defineAction } from '@/lib/actions/define-action';
import { signInWithDemoAccount, signInWithSso } from '@/lib/auth/sign-in';

const ZCallback = z.string().max(2048).optional();

// Public by nature: these start a sign-in; each re-checks that its method is enabled.
export const demoSignInAction = defineAction(z.object({ email: z.email(), callbackUrl: ZCallback }), { roles: 'public' }, (input) =>
  signInWithDemoAccount(input.email, input.callbackUrl ?? '/'),
);

export const ssoSignInAction = defineAction(z.object({ callbackUrl: ZCallback }), { roles: 'public' }, (input) => signInWithSso(input.callbackUrl ?? '/'));
