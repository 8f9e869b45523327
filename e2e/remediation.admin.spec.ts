import { spawnSync } from 'node:child_process';
import { expect, test, type Page } from '@playwright/test';
import { callServerAction, captureServerAction, expectAccessible, fillCampaign, inDays, loginAs, takeSnapshot, type TCapturedAction, toasts } from './fixtures';

/** Run `act` and return the id of the server action it calls. */
async function actionOf(page: Page, act: () => Promise<void>): Promise<TCapturedAction> {
  const captured = captureServerAction(page);
  await act();
  return captured;
}

test('an admin closes a campaign, reads the dry run, applies it and sees every revocation verified; an auditor downloads verified evidence and can change nothing', async ({ page, browser, baseURL }, testInfo) => {
  test.setTimeout(240_000);
  await loginAs(page.request, 'admin');
  const snapshotAction = await actionOf(page, () => takeSnapshot(page));

  // Alex reviews every account (Alex's own goes to the auditor, the fallback).
  await page.goto('/campaigns/new');
  await fillCampaign(page, { name: 'Remediation review', dueAt: inDays(7), fallback: 'avery.auditor@audit-partners.example', fixedReviewer: 'alex.admin@northwind.example' });
  await expect(page).toHaveURL(/\/campaigns\/\d+$/, { timeout: 20_000 });
  const campaignUrl = page.url();
  const campaignId = /\/campaigns\/(\d+)$/.exec(campaignUrl)?.[1] ?? '';
  await page.getByRole('button', { name: 'Launch', exact: true }).click();
  await page.getByRole('dialog').getByRole('button', { name: /^Launch [\d,]+ items?$/ }).click();
  await expect(page.getByRole('progressbar', { name: 'Decided' })).toBeVisible({ timeout: 20_000 });

  // Two revokes with justifications, one certify.
  await page.goto(`/reviews/${campaignId}`);
  const grid = page.getByRole('grid', { name: 'Access to review' });
  await expect(grid).toBeVisible();
  const active = grid.locator('[role=row][data-active]');
  const revoked: string[] = [];
  for (const reason of ['Left the company in October', 'Contractor engagement ended']) {
    await page.keyboard.press('j');
    revoked.push(/[\w.+-]+@[\w-]+\.example/.exec((await active.textContent()) ?? '')?.[0] ?? '');
    await page.keyboard.press('r');
    const dialog = page.getByRole('dialog', { name: /Revoke/ });
    await dialog.getByRole('textbox').fill(reason);
    await dialog.getByRole('button', { name: 'Revoke', exact: true }).click();
    await expect(active).toContainText('Revoked');
  }
  await page.keyboard.press('j');
  const decideAction = await actionOf(page, () => page.keyboard.press('c'));
  await expect(active).toContainText('Certified');

  // The dry run before close: what close would queue.
  await page.goto(`${campaignUrl}/remediation/dry-run`);
  await expect(page.getByText('2 requests, nothing sent')).toBeVisible();

  // An empty reassign (refused by validation) tells us that action's id for the auditor check below.
  await page.goto(`${campaignUrl}/items`);
  const reassignAction = await actionOf(page, () => page.getByRole('form', { name: 'Reassign or exclude selected items' }).getByRole('button', { name: 'Reassign selected' }).click());

  await page.goto(campaignUrl);
  await page.getByRole('button', { name: 'Close campaign' }).click();
  const closeAction = await actionOf(page, () => page.getByRole('dialog').getByRole('button', { name: 'Close campaign' }).click());
  await expect(page).toHaveURL(/\/remediation$/, { timeout: 20_000 });
  await expect(toasts(page).getByText(/2 revocations are queued/)).toBeVisible();

  // Dry run after close: the stored requests, exactly.
  await page.getByRole('link', { name: 'Dry run: the exact requests' }).click();
  const requests = page.getByRole('table', { name: 'Dry-run requests' });
  await expect(requests.getByRole('row')).toHaveCount(3);
  await expect(requests.getByRole('row').nth(1)).toContainText('PATCH');
  await expect(requests.getByRole('row').nth(1)).toContainText('/Users/');
  await expect(requests.getByRole('row').nth(1)).toContainText('{"op":"replace","path":"active","value":false}');
  const download = page.waitForEvent('download');
  await page.getByRole('link', { name: 'Export CSV' }).click();
  const csv = await download;
  expect(csv.suggestedFilename()).toMatch(/\.csv$/);
  await expectAccessible(page);

  // Apply: progress reaches 100%, every row verified.
  await page.goto(`${campaignUrl}/remediation`);
  await page.getByRole('button', { name: 'Apply now' }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Apply 2 changes' }).click();
  const bar = page.getByRole('progressbar', { name: 'Remediated' });
  await expect(bar).toHaveAttribute('aria-valuenow', '2', { timeout: 30_000 });
  await expect(bar).toHaveAttribute('aria-valuetext', '2 verified, 0 failed of 2');
  const rows = page.getByRole('table', { name: 'Remediation rows' }).getByRole('row');
  await expect(rows).toHaveCount(3);
  for (const i of [1, 2]) await expect(rows.nth(i)).toContainText('Verified');
  await expectAccessible(page);
  await rows.nth(1).getByRole('link').click();
  await expect(page.getByLabel('Request')).toContainText('PATCH /Users/');
  await expect(page.getByRole('heading', { name: /Response · HTTP 200/ })).toBeVisible();

  // The auditor: reads everything, downloads the package, and every write is refused.
  const settingsAction = await (async () => {
    await page.goto('/settings');
    return actionOf(page, () => page.getByRole('button', { name: 'Save connection' }).click());
  })();
  const auditor = await browser.newContext({ baseURL, acceptDownloads: true });
  const auditorPage = await auditor.newPage();
  await loginAs(auditorPage.request, 'auditor');
  await auditorPage.goto(`${campaignUrl}/remediation`);
  await expect(auditorPage.getByRole('table', { name: 'Remediation rows' })).toBeVisible();
  await expect(auditorPage.getByRole('button', { name: 'Apply now' })).toHaveCount(0);
  await auditorPage.goto(`${campaignUrl}/items`);
  await expect(auditorPage.getByRole('table', { name: 'Campaign items' })).toContainText(revoked[0] ?? '—');
  await auditorPage.goto(`${campaignUrl}/evidence`);
  await expectAccessible(auditorPage);
  const zipDownload = auditorPage.waitForEvent('download');
  await auditorPage.getByRole('link', { name: /^Download attest-.*\.zip$/ }).click();
  const zipPath = testInfo.outputPath('evidence.zip');
  await (await zipDownload).saveAs(zipPath);
  const verified = spawnSync(process.execPath, ['--conditions=react-server', '--import', 'tsx', 'scripts/evidence-verify.ts', zipPath], { encoding: 'utf8' });
  expect(verified.status, verified.stderr + verified.stdout).toBe(0);
  expect(verified.stdout).toMatch(/OK/);

  for (const [name, action, args] of [
    ['snapshot', snapshotAction, [{}]],
    ['decide', decideAction, [{ campaignId: Number(campaignId), itemId: 1, decision: 'revoke', comment: 'x', expectedVersion: 1 }]],
    ['reassign', reassignAction, [{ campaignId: Number(campaignId), itemIds: [1], toReviewerEmail: 'x@northwind.example', reason: 'x' }]],
    ['close', closeAction, [{ campaignId: Number(campaignId) }]],
    ['settings', settingsAction, [{ baseUrl: 'https://scim.attacker.example/v2', token: 'stolen-token-1234' }]],
  ] as const) {
    const { result } = await callServerAction(auditor.request, action, [...args]);
    expect(result, name).toMatchObject({ ok: false, code: 'forbidden', status: 403 });
  }
  await auditor.close();

  // report.html as a printed page: the key sections, and no table wider than the paper.
  const report = await page.request.get(`/api/campaigns/${campaignId}/evidence/report.html`);
  expect(report.status()).toBe(200);
  const printed = await browser.newPage({ viewport: { width: 794, height: 1123 } });
  await printed.setContent(await report.text());
  await printed.emulateMedia({ media: 'print' });
  for (const section of ['Summary and control checks', 'Campaign parameters', 'Population: source, completeness and accuracy', 'Reviewers and sign-offs', 'Revocations and remediation', 'Exceptions', 'Access after remediation', 'Audit log']) {
    await expect(printed.getByRole('heading', { level: 2, name: section })).toBeVisible();
  }
  const overflowing = await printed.evaluate(() =>
    [...document.querySelectorAll('table')].filter((t) => t.getBoundingClientRect().right > document.documentElement.clientWidth + 1).map((t) => t.closest('section')?.id ?? '?'),
  );
  expect(overflowing).toEqual([]);
  await testInfo.attach('report.html (print)', { body: await printed.screenshot({ fullPage: true }), contentType: 'image/png' });
  await printed.close();
});
