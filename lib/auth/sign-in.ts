import 'server-only';
import { AuthError } from 'next-auth';
import { headers } from 'next/headers';
import { env } from '@/lib/env';
import { AppError } from '@/lib/errors';
import { signIn, SignInLockedError } from './config';
import { assertSignInAllowed, signInLockedMessage, signInThrottleKeys } from './throttle';

/**
 * Sign in as one of the demo accounts (demo mode only). Redirects on success. Throttled
 * (lib/auth/throttle.ts): an unknown email counts as a failure, and while the account (or,
 * behind a trusted proxy, the client address) is locked every attempt gets the lock message.
 */
export async function signInWithDemoAccount(email: string, redirectTo: string): Promise<never> {
  if (!env().demoSignIn) throw new AppError('forbidden', 'Demo sign-in is not available.');
  // Answer a locked attempt before starting Auth.js; the provider's authorize() checks again and
  // is the one place failures are counted (a POST straight to the callback skips this action).
  assertSignInAllowed(signInThrottleKeys(email, await headers()));
  try {
    await signIn('demo', { email, redirectTo: safeRedirect(redirectTo) });
  } catch (error) {
    if (error instanceof SignInLockedError) throw new AppError('rate_limited', signInLockedMessage(error.lock));
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
