'use server';

import { z } from 'zod';
import { defineAction } from '@/lib/actions/define-action';
import { signOutUser } from '@/lib/auth/sign-out';

export const signOutAction = defineAction(z.object({}), { roles: [] }, ({}, { user }) => signOutUser(user));
