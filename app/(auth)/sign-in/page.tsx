import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { ActionForm, SubmitButton } from '@/components/forms/action-form';
import { Alert } from '@/components/ui/alert';
import { Card, CardBody } from '@/components/ui/card';
import { getSessionUser } from '@/lib/auth/session';
import { ROLE_LABEL } from '@/lib/auth/roles';
import { signInLockedMessageFromCode } from '@/lib/auth/throttle';
import { DEMO_ACCOUNTS } from '@/lib/demo/accounts';
import { env } from '@/lib/env';
import { demoSignInAction, ssoSignInAction } from './actions';

export const metadata: Metadata = { title: 'Sign in' };
export const dynamic = 'force-dynamic';

type TProps = { searchParams: Promise<{ callbackUrl?: string; error?: string; code?: string }> };

export default async function SignInPage({ searchParams }: TProps) {
  const { callbackUrl, error, code } = await searchParams;
  if (await getSessionUser()) redirect('/');
  const e = env();
  // Auth.js sends a throttled credentials sign-in back here with `code=locked_<minutes>`.
  const lockedMessage = error === 'CredentialsSignin' ? signInLockedMessageFromCode(code) : null;

  return (
    <main className="mx-auto flex min-h-screen max-w-lg flex-col justify-center px-4 py-12">
      <div className="mb-8 text-center">
        <p className="text-2xl font-semibold tracking-tight">Attest</p>
        <h1 className="mt-2 text-lg text-ink-muted">Sign in to review Airtable access</h1>
      </div>
      {lockedMessage ? (
        <Alert tone="danger" title="Sign-in locked" className="mb-4">
          {lockedMessage}
        </Alert>
      ) : error ? (
        <Alert tone="danger" title="Sign-in failed" className="mb-4">
          The identity provider did not sign you in. Try again, or ask an Attest admin.
        </Alert>
      ) : null}
      <Card>
        <CardBody className="space-y-6">
          {e.oidcConfigured ? (
            <ActionForm action={ssoSignInAction} aria-label="Single sign-on">
              <input type="hidden" name="callbackUrl" value={callbackUrl ?? '/'} />
              <SubmitButton>Continue with {e.OIDC_NAME}</SubmitButton>
            </ActionForm>
          ) : null}
          {e.demoSignIn ? (
            <section aria-labelledby="demo-heading">
              <h2 id="demo-heading" className="text-base font-semibold">
                Demo accounts
              </h2>
              <p className="mt-1 text-sm text-ink-muted">Demo mode: pick a role to explore Attest with the built-in Airtable directory.</p>
              <ul className="mt-4 space-y-3">
                {DEMO_ACCOUNTS.map((account) => (
                  <li key={account.email} className="rounded-md border border-line p-3">
                    <ActionForm action={demoSignInAction} aria-label={`Sign in as ${account.name}`} className="flex items-center justify-between gap-4">
                      <input type="hidden" name="email" value={account.email} />
                      <input type="hidden" name="callbackUrl" value={callbackUrl ?? '/'} />
                      <div className="min-w-0">
                        <p className="font-medium">
                          {account.name} <span className="text-sm font-normal text-ink-muted">· {ROLE_LABEL[account.role]}</span>
                        </p>
                        <p className="text-sm text-ink-muted">{account.blurb}</p>
                      </div>
                      <SubmitButton variant="secondary">Sign in as {ROLE_LABEL[account.role].toLowerCase()}</SubmitButton>
                    </ActionForm>
                  </li>
                ))}
              </ul>
            </section>
          ) : null}
          {!e.oidcConfigured && !e.demoSignIn ? (
            <Alert tone="warning" title="No sign-in method configured">
              Set OIDC_ISSUER, OIDC_CLIENT_ID and OIDC_CLIENT_SECRET (see the README).
            </Alert>
          ) : null}
        </CardBody>
      </Card>
    </main>
  );
}
