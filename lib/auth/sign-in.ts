import 'server-only';
import { AuthError } from 'next-auth';
import { findDemoAccount } from '@/lib/demo/accounts';
import { env } from '@/lib/env';
import { AppError } from '@/lib/errors';
import { signIn } from './config';

/** Sign in as one of the demo accounts (demo mode only). Redirects on success. */
export async function signInWithDemoAccount(email: string, redirectTo: string): Promise<never> {
  if (!env().demoSignIn || !findDemoAccount(email)) throw new AppError('forbidden', 'Demo sign-in is not available.');
  try {
    await signIn('demo', { email, redirectTo: safeRedirect(redirectTo) });
  } catch (error) {
    if (error instanceof AuthError) throw new AppError('unauthorized', 'That demo account could not sign in.');
    throw error; // the redirect
  }
  throw new AppError('internal', 'Sign-in did not redirect.');
}

/** Start the identity provider's sign-in flow. */
export async function signInWithSso(redirectTo: string): Promise<never> {
  if (!env().oidcConfigured) throw new AppError('invalid', 'Single sign-on is not configured.');
  await signIn('oidc', { redirectTo: safeRedirect(redirectTo) });
  throw new AppError('internal', 'Sign-in did not redirect.');
}

/** Only same-site paths: an open redirect after sign-in is a phishing aid. */
export function safeRedirect(target: string | undefined): string {
  if (!target || !target.startsWith('/') || target.startsWith('//') || target.startsWith('/\\')) return '/';
  return target;
}
