import 'server-only';
import NextAuth, { CredentialsSignin, type NextAuthConfig } from 'next-auth';
import Credentials from 'next-auth/providers/credentials';
import type { Provider } from 'next-auth/providers';
import { z } from 'zod';
import { findDemoAccount } from '@/lib/demo/accounts';
import { env } from '@/lib/env';
import { log } from '@/lib/log';
import { attemptSignIn, signInLockedCode, type TSignInLock } from './throttle';
import { recordSignIn } from './users';

const ZDemoCredentials = z.object({ email: z.email() });

/**
 * A credentials sign-in refused because a throttle key is locked (lib/auth/throttle.ts). Auth.js
 * rethrows it to `signIn()` callers (the sign-in page's action) and, for a POST straight to
 * /api/auth/callback/demo, redirects to the sign-in page with `code` in the URL.
 */
export class SignInLockedError extends CredentialsSignin {
  constructor(readonly lock: TSignInLock) {
    super('sign-in locked after repeated failures');
    this.code = signInLockedCode(lock);
  }
}

function providers(): Provider[] {
  const e = env();
  const list: Provider[] = [];
  if (e.oidcConfigured) {
    // Any standards-compliant OpenID Connect issuer: Okta, Entra ID, Google Workspace, Keycloak…
    list.push({
      id: 'oidc',
      name: e.OIDC_NAME,
      type: 'oidc',
      issuer: e.OIDC_ISSUER,
      clientId: e.OIDC_CLIENT_ID,
      clientSecret: e.OIDC_CLIENT_SECRET,
      authorization: { params: { scope: 'openid email profile' } },
    });
  }
  if (e.demoSignIn) {
    list.push(
      Credentials({
        id: 'demo',
        name: 'Demo account',
        credentials: { email: { label: 'Demo account', type: 'email' } },
        authorize(raw, request) {
          // Re-check at call time: the provider must be dead code outside demo mode.
          if (!env().demoSignIn) return null;
          // Every demo sign-in passes here (the page's action and a POST to the callback alike):
          // the one place failures are counted. An unknown email is a failure.
          const email = typeof raw?.email === 'string' ? raw.email : '';
          const outcome = attemptSignIn({ email, headers: request.headers, method: 'demo' }, () => {
            const parsed = ZDemoCredentials.safeParse(raw);
            const account = parsed.success ? findDemoAccount(parsed.data.email) : undefined;
            return account ? { email: account.email, name: account.name } : null;
          });
          if (outcome.ok) return outcome.value;
          if (outcome.lock) throw new SignInLockedError(outcome.lock);
          return null;
        },
      }),
    );
  }
  return list;
}

function config(): NextAuthConfig {
  return {
    secret: env().authSecret,
    // Self-hosted behind whatever proxy the customer runs; the host header is trusted by design.
    trustHost: true,
    session: { strategy: 'jwt', maxAge: 8 * 60 * 60 },
    pages: { signIn: '/sign-in', error: '/sign-in' },
    providers: providers(),
    callbacks: {
      signIn({ user, account }) {
        if (!user.email) return false;
        const appUser = recordSignIn({ email: user.email, name: user.name ?? null, method: account?.provider ?? 'unknown' });
        // Carry our own id into the JWT callback below.
        user.id = appUser.id;
        return true;
      },
      jwt({ token, user }) {
        if (user?.id) token.uid = user.id;
        return token;
      },
      session({ session, token }) {
        if (typeof token.uid === 'string') session.user.id = token.uid;
        return session;
      },
    },
    logger: {
      error(error) {
        log.error({ err: { name: error.name, message: error.message } }, 'auth error');
      },
      warn(code) {
        log.warn({ code }, 'auth warning');
      },
    },
  };
}

// Lazy config: env() is read on the first request, not while `next build` imports this module.
export const { handlers, auth, signIn, signOut } = NextAuth(() => config());
