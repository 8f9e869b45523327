import { expect, test } from '@playwright/test';
import { expectAccessible, loginAs } from './fixtures';

/**
 * Recurring campaigns in the browser: a bad cron expression is explained before saving and
 * refused on save (nothing created); a quarterly template is saved with its next run on the next
 * quarter's first day; an auditor reads it and cannot change it. The scheduler itself (clock,
 * restarts, double launch) is tested in lib/schedule over the simulator.
 */
test('an admin creates a quarterly recurring campaign; a bad schedule is refused; an auditor only reads', async ({ page }) => {
  test.setTimeout(120_000);
  await loginAs(page.request, 'admin');
  await page.goto('/campaigns');
  await page.getByRole('link', { name: 'Recurring campaigns' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Recurring campaigns' })).toBeVisible();
  await page.goto('/campaigns/templates/new');
  const form = page.getByRole('form', { name: 'New recurring campaign' });
  await form.getByRole('textbox', { name: 'Name', exact: true }).fill('Quarterly Airtable review');

  // A schedule every minute: the live preview explains, and saving refuses it.
  await form.getByRole('radio', { name: 'Custom (cron expression)' }).check();
  await form.getByRole('textbox', { name: 'Cron expression' }).fill('* * * * *');
  await expect(form.getByText(/runs more than once a day/).first()).toBeVisible();
  await form.getByRole('radio', { name: 'A fixed reviewer' }).check();
  await form.getByRole('textbox', { name: 'Fixed reviewer email' }).fill('morgan.manager@northwind.example');
  await form.getByRole('textbox', { name: 'Fallback reviewer email' }).fill('alex.admin@northwind.example');
  await form.getByRole('button', { name: 'Create recurring campaign' }).click();
  await expect(form.getByText('Not saved')).toBeVisible();
  await expect(page).toHaveURL(/\/campaigns\/templates\/new$/);

  // Quarterly: the next run is the first day of the next quarter.
  await form.getByRole('radio', { name: /Quarterly/ }).check();
  await expect(form.getByText(/Next runs:/)).toBeVisible();
  await form.getByRole('button', { name: 'Create recurring campaign' }).click();
  await expect(page).toHaveURL(/\/campaigns\/templates\/\d+$/, { timeout: 20_000 });
  const templateUrl = page.url();
  const now = new Date();
  const nextQuarterMonth = Math.floor(now.getUTCMonth() / 3) * 3 + 3;
  const next = new Date(Date.UTC(now.getUTCFullYear(), nextQuarterMonth, 1, 9));
  const expected = new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeZone: 'UTC' }).format(next);
  await expect(page.getByText(expected).first()).toBeVisible();
  await expectAccessible(page);

  await page.goto('/campaigns/templates');
  await expect(page.getByRole('table', { name: 'Recurring campaigns' }).getByRole('row', { name: /Quarterly Airtable review/ })).toBeVisible();

  // The auditor reads the template and gets no control to change it.
  await loginAs(page.request, 'auditor');
  await page.goto(templateUrl);
  await expect(page.getByRole('heading', { level: 1, name: 'Quarterly Airtable review' })).toBeVisible();
  await expect(page.getByRole('button', { name: /Delete|Disable/ })).toHaveCount(0);
  await expect(page.getByRole('link', { name: 'Edit' })).toHaveCount(0);
  const edit = await page.request.get(`${templateUrl}/edit`, { maxRedirects: 0 });
  expect(edit.status()).toBe(403);
});
