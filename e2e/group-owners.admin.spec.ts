import { expect, test } from '@playwright/test';
import { expectAccessible, inDays, loginAs, takeSnapshot, toasts } from './fixtures';

test('an admin sets the owners of a group and a "group owner" campaign sends its memberships to them', async ({ page }) => {
  test.setTimeout(150_000);
  await loginAs(page.request, 'admin');
  await takeSnapshot(page);

  await page.goto('/settings/group-owners');
  await expect(page.getByRole('table', { name: 'Groups and their owners' })).toBeVisible();
  await expectAccessible(page);
  const firstGroup = page.getByRole('table', { name: 'Groups and their owners' }).getByRole('row').nth(1);
  const groupName = ((await firstGroup.getByRole('cell').first().textContent()) ?? '').trim();
  expect(groupName).not.toBe('');

  // A bad address is refused beside the field and nothing is saved.
  const owners = page.getByRole('form', { name: `Owners of ${groupName}` });
  await owners.getByRole('textbox').fill('morgan.manager@northwind.example, not-an-email');
  await owners.getByRole('button', { name: 'Save' }).click();
  await expect(owners.getByText('enter a valid email address')).toBeVisible();
  await page.reload();
  await expect(page.getByRole('form', { name: `Owners of ${groupName}` }).getByRole('textbox')).toHaveValue('');

  await page.getByRole('form', { name: `Owners of ${groupName}` }).getByRole('textbox').fill('Morgan.Manager@northwind.example');
  await page.getByRole('form', { name: `Owners of ${groupName}` }).getByRole('button', { name: 'Save' }).click();
  await expect(toasts(page).getByText(`Owners of ${groupName} saved`)).toBeVisible();
  await expect(firstGroup).toContainText('by alex.admin@northwind.example');
  await page.reload();
  await expect(page.getByRole('form', { name: `Owners of ${groupName}` }).getByRole('textbox')).toHaveValue('morgan.manager@northwind.example');

  // A campaign over that group's memberships, reviewed by the group owner.
  await page.goto('/campaigns/new');
  const form = page.getByRole('form', { name: 'New campaign' });
  await form.getByRole('textbox', { name: 'Name', exact: true }).fill('Group owner review');
  await form.locator('input[name="dueAt"]').fill(inDays(7));
  await form.getByRole('radio', { name: 'Members of chosen groups' }).check();
  await form.getByRole('group', { name: 'Groups' }).getByRole('checkbox', { name: new RegExp(`^${groupName.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\(`) }).check();
  await form.getByRole('checkbox', { name: 'Accounts' }).uncheck();
  await form.getByRole('checkbox', { name: 'Group memberships' }).check();
  await form.getByRole('radio', { name: 'The owner of the group' }).check();
  await form.getByRole('textbox', { name: 'Fallback reviewer email' }).fill('avery.auditor@audit-partners.example');
  await form.getByRole('button', { name: 'Save draft' }).click();
  await expect(page).toHaveURL(/\/campaigns\/\d+$/, { timeout: 20_000 });
  const perReviewer = page.getByRole('table', { name: 'Items per reviewer' });
  await expect(perReviewer.getByRole('row', { name: /morgan\.manager@northwind\.example/ })).toBeVisible();

  await page.getByRole('button', { name: 'Delete draft' }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Delete draft' }).click();
  await expect(page).toHaveURL(/\/campaigns$/);
});
