import { readFileSync } from 'node:fs';
import AxeBuilder from '@axe-core/playwright';
import { expect, test as base, type APIRequestContext, type Page } from '@playwright/test';
import { DEMO_ACCOUNTS } from '@/lib/demo/accounts';
import type { TRole } from '@/db/schema';

export const demoAccount = (role: TRole) => {
  const account = DEMO_ACCOUNTS.find((a) => a.role === role);
  if (!account) throw new Error(`no demo account for ${role}`);
  return account;
};

/**
 * Sign in without the UI (Auth.js credentials callback with its CSRF token), so specs start
 * where they matter; e2e/auth.spec.ts covers the real sign-in page.
 */
export async function loginAs(request: APIRequestContext, role: TRole): Promise<void> {
  await loginAsEmail(request, demoAccount(role).email);
}

/** The same, for a demo account by email (e.g. the second reviewer). */
export async function loginAsEmail(request: APIRequestContext, email: string): Promise<void> {
  const { csrfToken } = (await (await request.get('/api/auth/csrf')).json()) as { csrfToken: string };
  const response = await request.post('/api/auth/callback/demo', {
    form: { email, csrfToken, callbackUrl: '/' },
    maxRedirects: 0,
  });
  expect(response.status(), 'demo sign-in redirects').toBe(302);
  expect(response.headers().location ?? '').not.toContain('error');
}

/** axe-core on the current page: no serious or critical violations. */
export async function expectAccessible(page: Page): Promise<void> {
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  const blocking = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(
    blocking.map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(' | ')}`),
    `accessibility violations on ${page.url()}`,
  ).toEqual([]);
}

export type TCapturedAction = { id: string; url: string };

/** Record the Next-Action id of the next server action the page calls. */
export function captureServerAction(page: Page): Promise<TCapturedAction> {
  return new Promise((resolve) => {
    const onRequest = (req: import('@playwright/test').Request) => {
      const id = req.headers()['next-action'];
      if (req.method() === 'POST' && id) {
        page.off('request', onRequest);
        resolve({ id, url: req.url() });
      }
    };
    page.on('request', onRequest);
  });
}

/**
 * Call a server action over plain HTTP as whoever `request` is signed in as — the way an
 * attacker would, bypassing every button — and return the action's result object.
 */
export async function callServerAction(request: APIRequestContext, action: TCapturedAction, args: unknown[]): Promise<{ httpStatus: number; result: unknown }> {
  const origin = new URL(action.url).origin;
  const response = await request.post(action.url, {
    headers: { 'Next-Action': action.id, 'Content-Type': 'text/plain;charset=UTF-8', Accept: 'text/x-component', Origin: origin },
    data: JSON.stringify(args),
  });
  const body = await response.text();
  // The RSC payload is lines of `<id>:<json>`; the action's return value is the line with `ok`.
  const line = body.split('\n').find((l) => /^[0-9a-f]+:\{.*"ok":/.test(l));
  return { httpStatus: response.status(), result: line ? JSON.parse(line.slice(line.indexOf(':') + 1)) : null };
}

/** Take a snapshot from the Snapshots page and wait until one more is complete (however fast it runs). */
export async function takeSnapshot(page: Page, timeout = 60_000): Promise<void> {
  await page.goto('/snapshots');
  const complete = () => page.getByRole('table', { name: 'Snapshot history' }).getByRole('row', { name: /Complete/ }).count();
  const before = await complete();
  await page.getByRole('button', { name: 'Take snapshot' }).click();
  await expect
    .poll(
      async () => {
        await page.reload();
        return complete();
      },
      { timeout, intervals: [1_000] },
    )
    .toBeGreaterThan(before);
}

type TManifestEntry = { workers: Record<string, unknown>; filename: string; exportedName: string };

/** `app/(app)/campaigns/[campaignId]/page` → `/campaigns/1`: a page whose requests can carry the action. */
function pageUrlOfWorker(worker: string): string {
  const path = worker
    .replace(/^app/, '')
    .replace(/\/page$/, '')
    .replace(/\/\([^)]+\)/g, '')
    .replace(/\[[^\]]+\]/g, '1');
  return path === '' ? '/' : path;
}

/** Every server action of the build (its server-reference manifest): id, `file#export` and a page URL to post it to. */
export function builtServerActions(baseURL: string): Array<TCapturedAction & { key: string }> {
  const manifest = JSON.parse(readFileSync('.next/server/server-reference-manifest.json', 'utf8')) as { node: Record<string, TManifestEntry> };
  return Object.entries(manifest.node).map(([id, entry]) => ({
    id,
    key: `${entry.filename}#${entry.exportedName}`,
    url: `${baseURL}${pageUrlOfWorker(Object.keys(entry.workers)[0] ?? 'app/page')}`,
  }));
}

/** The visible toasts (the same text is also announced in a hidden live region: match the toast, not both). */
export const toasts = (page: Page) => page.getByRole('region', { name: 'Notifications' });

/** An ISO date `days` from today (due dates). */
export const inDays = (days: number) => new Date(Date.now() + days * 24 * 60 * 60 * 1000).toISOString().slice(0, 10);

/** The wizard: all active users, accounts only, manager rule (or a fixed reviewer), the given fallback and due date. */
export type TSecondStage = { reviewer: string; dueAt: string; advance: 'all' | 'revoked' | 'certified' };

export async function fillCampaign(
  page: Page,
  {
    name,
    dueAt,
    fallback,
    fixedReviewer,
    secondStage,
    memberships = false,
  }: { name: string; dueAt: string; fallback: string; fixedReviewer?: string; secondStage?: TSecondStage; memberships?: boolean },
) {
  const form = page.getByRole('form', { name: 'New campaign' });
  await form.getByRole('textbox', { name: 'Name', exact: true }).fill(name);
  await form.locator('input[name="dueAt"]').fill(dueAt);
  await form.getByRole('radio', { name: 'All users' }).check();
  await form.getByRole('checkbox', { name: 'Accounts' }).check();
  if (memberships) await form.getByRole('checkbox', { name: 'Group memberships' }).check();
  if (fixedReviewer) {
    await form.getByRole('radio', { name: 'A fixed reviewer' }).check();
    await form.getByRole('textbox', { name: 'Fixed reviewer email' }).fill(fixedReviewer);
  } else await form.getByRole('radio', { name: "The user's manager" }).check();
  await form.getByRole('textbox', { name: 'Fallback reviewer email' }).fill(fallback);
  if (secondStage) {
    await form.getByRole('combobox', { name: 'Number of stages' }).selectOption('2');
    const stage = form.getByRole('group', { name: 'Stage 2', exact: true });
    await stage.getByRole('radio', { name: 'A fixed reviewer' }).check();
    await stage.getByRole('textbox', { name: 'Stage 2 reviewer email' }).fill(secondStage.reviewer);
    await stage.locator('input[name="laterStages.0.dueAt"]').fill(secondStage.dueAt);
    await stage.getByRole('combobox', { name: 'Stage 2 reviews' }).selectOption(secondStage.advance);
  }
  await form.getByRole('button', { name: 'Save draft' }).click();
  return form;
}

export const test = base;
export { expect };
