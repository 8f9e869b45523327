import { expect, test, type Page } from '@playwright/test';
import { demoAccount } from './fixtures';

/**
 * Sign-in throttling through the real sign-in page (lib/auth/throttle.ts): bad demo sign-ins are
 * posted by the page's own form and server action until the account is locked.
 *
 * The e2e server shares one database across specs and runs without TRUST_PROXY, so only account
 * keys exist: the spec locks an account that does not exist (unique per run and retry), never a
 * demo account other specs sign in with.
 */

const LOCKED = 'Too many failed sign-in attempts. Try again in 15 minutes.';
const FAILED = 'That demo account could not sign in.';

/**
 * Submit the admin's demo form as `email`: its hidden input is replaced just before the click
 * (React puts the real address back whenever the form re-renders), then the action's answer and
 * the re-render that shows it are awaited, so the next call never races a pending render.
 */
async function submitAs(page: Page, email: string): Promise<void> {
  const form = page.getByRole('form', { name: `Sign in as ${demoAccount('admin').name}` });
  await expect(form).toHaveAttribute('aria-busy', 'false');
  await form.locator('input[name="email"]').evaluate((input, value) => {
    (input as HTMLInputElement).value = value;
  }, email);
  const answered = page.waitForResponse((r) => r.request().method() === 'POST' && r.request().headers()['next-action'] !== undefined);
  await form.getByRole('button', { name: 'Sign in as admin' }).click();
  await answered;
  await expect(form).toHaveAttribute('aria-busy', 'false');
}

test('five failed demo sign-ins lock the account for 15 minutes, with the same answer afterwards; other accounts are unaffected', async ({ page }, testInfo) => {
  const target = `nobody-${testInfo.retry}-${Date.now()}@throttle.example`;
  const form = page.getByRole('form', { name: `Sign in as ${demoAccount('admin').name}` });
  await page.goto('/sign-in');

  for (let i = 1; i <= 4; i++) {
    await submitAs(page, target);
    await expect(form.getByRole('alert')).toContainText(FAILED);
    await expect(page).toHaveURL(/\/sign-in/);
  }
  await submitAs(page, target);
  await expect(form.getByRole('alert')).toContainText(LOCKED);
  // Still locked: the sixth attempt gets the lock message too (not counted, not a new lock).
  await submitAs(page, target);
  await expect(form.getByRole('alert')).toContainText(LOCKED);

  // Another unknown account is only an ordinary failure: keys are independent.
  await submitAs(page, `someone-else-${testInfo.retry}-${Date.now()}@throttle.example`);
  await expect(form.getByRole('alert')).toContainText(FAILED);

  // And a real account still signs in from the same browser (no address key without TRUST_PROXY).
  await page.reload();
  await page.getByRole('button', { name: 'Sign in as admin' }).click();
  await expect(page.getByRole('heading', { level: 1, name: `Welcome, ${demoAccount('admin').name}` })).toBeVisible();
});

test('a POST straight to the Auth.js callback is throttled too, and the sign-in page explains the lock', async ({ page, request }, testInfo) => {
  const target = `direct-${testInfo.retry}-${Date.now()}@throttle.example`;
  const post = async () => {
    const { csrfToken } = (await (await request.get('/api/auth/csrf')).json()) as { csrfToken: string };
    const response = await request.post('/api/auth/callback/demo', { form: { email: target, csrfToken, callbackUrl: '/' }, maxRedirects: 0 });
    expect(response.status()).toBe(302);
    return response.headers().location ?? '';
  };
  for (let i = 1; i <= 4; i++) expect(await post()).toMatch(/error=CredentialsSignin&code=credentials/);
  const locked = await post();
  expect(locked).toMatch(/error=CredentialsSignin&code=locked_15/);

  const url = new URL(locked);
  await page.goto(url.pathname + url.search);
  // Filtered: Next's route announcer is an alert region too.
  await expect(page.getByRole('alert').filter({ hasText: 'Sign-in locked' })).toContainText(LOCKED);
});
