import { expect, test } from '@playwright/test';
import { expectAccessible, fillCampaign, inDays, loginAs, toasts } from './fixtures';

test('an admin creates a campaign (refused with a past due date), previews it, launches it and sees its progress', async ({ page }) => {
  test.setTimeout(150_000);
  await loginAs(page.request, 'admin');

  // A campaign reviews a complete snapshot: take one first.
  await page.goto('/snapshots');
  await page.getByRole('button', { name: 'Take snapshot' }).click();
  await expect(page.getByRole('heading', { name: /Snapshot #\d+ running/ })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Take snapshot' })).toBeVisible({ timeout: 45_000 });

  await page.goto('/campaigns');
  await expect(page.getByRole('heading', { level: 1, name: 'Campaigns' })).toBeVisible();
  await expectAccessible(page);
  await page.getByRole('link', { name: 'New campaign' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'New campaign' })).toBeVisible();
  await expectAccessible(page);

  // Bad input is refused beside each field, and nothing is created.
  const form = page.getByRole('form', { name: 'New campaign' });
  await form.getByRole('textbox', { name: 'Name', exact: true }).fill('Q4 access review');
  await form.locator('input[name="dueAt"]').fill('2020-01-31');
  await form.getByRole('radio', { name: 'Members of chosen groups' }).check();
  await form.getByRole('radio', { name: 'A fixed reviewer' }).check();
  await form.getByRole('button', { name: 'Save draft' }).click();
  await expect(form.getByText('the due date must be in the future')).toBeVisible();
  await expect(form.locator('input[name="dueAt"]')).toHaveAttribute('aria-invalid', 'true');
  await expect(form.getByText('choose at least one group')).toBeVisible();
  await expect(form.getByText('a fallback reviewer is required')).toBeVisible();
  await expect(page).toHaveURL(/\/campaigns\/new/);
  await expectAccessible(page);

  // The fixed rule without its reviewer (checked once the fields themselves are valid).
  await fillCampaign(page, { name: 'Q4 access review', dueAt: '2020-01-31', fallback: 'alex.admin@northwind.example' });
  await expect(form.getByText('the due date must be in the future')).toBeVisible();
  await form.getByRole('radio', { name: 'A fixed reviewer' }).check();
  await form.locator('input[name="dueAt"]').fill(inDays(14));
  await form.getByRole('button', { name: 'Save draft' }).click();
  await expect(form.getByText('the fixed reviewer rule needs a reviewer')).toBeVisible();
  await expect(page).toHaveURL(/\/campaigns\/new/);
  await form.getByRole('radio', { name: "The user's manager" }).check();

  await form.locator('input[name="dueAt"]').fill(inDays(14));
  await form.getByRole('button', { name: 'Save draft' }).click();
  await expect(page).toHaveURL(/\/campaigns\/\d+$/, { timeout: 20_000 });
  await expect(page.getByRole('heading', { level: 1, name: 'Q4 access review' })).toBeVisible();

  // The preview: items per reviewer. Alex has no manager, so the fallback (Alex) would review
  // Alex's own account: launch is blocked until the fallback changes.
  const preview = page.getByRole('table', { name: 'Items per reviewer' });
  await expect(preview).toBeVisible();
  expect(await preview.getByRole('row').count()).toBeGreaterThan(1);
  await expect(page.getByText('Launch is blocked')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Launch', exact: true })).toBeDisabled();
  await expectAccessible(page);

  // Editing the draft: one cost center only, and a fallback outside the directory.
  const itemsStat = page.locator('span', { hasText: /^Items$/ }).first().locator('xpath=following-sibling::span[1]');
  const itemsBefore = Number((await itemsStat.textContent())?.replace(/,/g, ''));
  await page.getByRole('link', { name: 'Edit settings' }).click();
  const edit = page.getByRole('form', { name: 'Edit campaign' });
  await expect(edit.getByRole('textbox', { name: 'Name', exact: true })).toHaveValue('Q4 access review');
  await expect(edit.getByRole('textbox', { name: 'Fallback reviewer email' })).toHaveValue('alex.admin@northwind.example');
  await edit.getByRole('radio', { name: /chosen departments, cost centers or divisions/ }).check();
  await edit.getByRole('button', { name: 'Save changes' }).click();
  await expect(edit.getByText('choose at least one department, cost center or division')).toBeVisible();
  await edit.getByRole('group', { name: 'Cost centers' }).getByRole('checkbox').first().check();
  await edit.getByRole('textbox', { name: 'Fallback reviewer email' }).fill('avery.auditor@audit-partners.example');
  await edit.getByRole('button', { name: 'Save changes' }).click();
  await expect(page).toHaveURL(/\/campaigns\/\d+$/, { timeout: 20_000 });
  await expect(page.getByText('Launch is blocked')).toHaveCount(0);
  const itemsAfter = Number((await itemsStat.textContent())?.replace(/,/g, ''));
  expect(itemsAfter).toBeGreaterThan(0);
  expect(itemsAfter).toBeLessThan(itemsBefore);

  await page.getByRole('button', { name: 'Delete draft' }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Delete draft' }).click();
  await expect(page).toHaveURL(/\/campaigns$/);
  await expect(page.getByRole('table', { name: 'Campaigns' }).getByText('No campaigns yet')).toBeVisible();

  // A fallback outside the directory never reviews their own access.
  await page.getByRole('link', { name: 'New campaign' }).click();
  await fillCampaign(page, { name: 'Q4 access review', dueAt: inDays(14), fallback: 'avery.auditor@audit-partners.example' });
  await expect(page).toHaveURL(/\/campaigns\/\d+$/, { timeout: 20_000 });
  await expect(preview).toBeVisible();
  await expect(page.getByText('Launch is blocked')).toHaveCount(0);

  await page.getByRole('button', { name: 'Launch', exact: true }).click();
  const dialog = page.getByRole('dialog');
  await expect(dialog).toContainText(/This creates [\d,]+ items for \d+ reviewers?/);
  await dialog.getByRole('button', { name: /^Launch [\d,]+ items?$/ }).click();

  // Progress: nothing decided yet, one row per reviewer, and the admin's controls.
  await expect(page.getByRole('progressbar', { name: 'Decided' })).toBeVisible({ timeout: 20_000 });
  await expect(page.getByText('0%').first()).toBeVisible();
  const reviewers = page.getByRole('table', { name: 'Progress per reviewer' });
  expect(await reviewers.getByRole('row').count()).toBeGreaterThan(1);
  await expect(reviewers.getByText('morgan.manager@northwind.example')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Close campaign' })).toBeVisible();
  await expect(page.getByRole('form', { name: 'Extend the due date' })).toBeVisible();
  await expect(page.getByRole('form', { name: 'Reassign items' })).toBeVisible();
  await expectAccessible(page);
  const detailUrl = page.url();

  // Items: Morgan's, two of them moved to another reviewer with a reason; each item keeps its history.
  await page.getByRole('navigation', { name: 'Campaign sections' }).getByRole('link', { name: /Items/ }).click();
  await page.getByRole('form', { name: 'Filter items' }).getByLabel('Reviewer').selectOption('morgan.manager@northwind.example');
  await page.getByRole('form', { name: 'Filter items' }).getByRole('button', { name: 'Apply' }).click();
  await expect(page).toHaveURL(/reviewer=morgan/);
  const itemsTable = page.getByRole('table', { name: 'Campaign items' });
  await expectAccessible(page);
  const reassign = page.getByRole('form', { name: 'Reassign or exclude selected items' });
  await reassign.getByRole('button', { name: 'Reassign selected' }).click();
  await expect(reassign.getByText('select the items to move, or a reviewer whose items all move')).toBeVisible();
  const checkboxes = itemsTable.getByRole('checkbox');
  await checkboxes.nth(0).check();
  await checkboxes.nth(1).check();
  await reassign.getByRole('textbox', { name: /Reassign the selected items to/ }).fill('jordan.deputy@northwind.example');
  await reassign.getByRole('textbox', { name: 'Reason' }).fill('Morgan is on leave in December');
  await reassign.getByRole('button', { name: 'Reassign selected' }).click();
  await expect(toasts(page).getByText('2 items moved')).toBeVisible();
  await page.getByRole('form', { name: 'Filter items' }).getByLabel('Reviewer').selectOption('jordan.deputy@northwind.example');
  await page.getByRole('form', { name: 'Filter items' }).getByRole('button', { name: 'Apply' }).click();
  await expect(itemsTable.getByRole('row')).toHaveCount(3);
  await expect(itemsTable.getByText('was morgan.manager@northwind.example')).toHaveCount(2);
  await itemsTable.getByRole('link', { name: /^History of/ }).first().click();
  const history = page.getByRole('table', { name: 'Item history' });
  await expect(history.getByRole('row', { name: /Reassigned/ })).toContainText('morgan.manager@northwind.example → jordan.deputy@northwind.example');
  await expect(history).toContainText('Morgan is on leave in December');
  await expectAccessible(page);
  await page.goto(detailUrl);

  // An auditor sees the same progress, read-only: no write control is rendered.
  await loginAs(page.request, 'auditor');
  await page.goto(detailUrl);
  await expect(page.getByRole('table', { name: 'Progress per reviewer' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Close campaign' })).toHaveCount(0);
  await page.goto(`${detailUrl}/items`);
  await expect(page.getByRole('table', { name: 'Campaign items' })).toBeVisible();
  await expect(page.getByRole('table', { name: 'Campaign items' }).getByRole('checkbox')).toHaveCount(0);
  await expect(page.getByRole('form', { name: 'Reassign or exclude selected items' })).toHaveCount(0);
  await expect(page.getByRole('form', { name: 'Reassign items' })).toHaveCount(0);
  await expect(page.getByRole('form', { name: 'Extend the due date' })).toHaveCount(0);
  await page.goto('/campaigns');
  await expect(page.getByRole('link', { name: 'New campaign' })).toHaveCount(0);
  await loginAs(page.request, 'admin');

  // The list shows exactly the launched campaign.
  await page.goto('/campaigns');
  const rows = page.getByRole('table', { name: 'Campaigns' }).getByRole('row');
  await expect(rows).toHaveCount(2);
  await expect(rows.nth(1)).toContainText('Active');
  await expect(rows.nth(1)).toContainText('0%');
});
