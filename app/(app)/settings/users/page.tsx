import type { Metadata } from 'next';
import { AddUserForm, RoleSelect } from '@/components/settings/user-roles';
import { Card, CardBody, CardHeader } from '@/components/ui/card';
import { Table, TBody, TD, TH, THead, TR } from '@/components/ui/table';
import { requirePageRole } from '@/lib/auth/guards';
import { listAppUsers } from '@/lib/auth/users';
import { ROLE_DESCRIPTION, ROLES } from '@/lib/auth/roles';
import { formatDateTime } from '@/lib/format';

export const metadata: Metadata = { title: 'Users & roles · Settings' };

export default async function UsersSettingsPage() {
  const me = await requirePageRole('admin');
  const users = listAppUsers();
  return (
    <div className="space-y-6">
      <Card>
        <CardHeader title="People who can sign in" />
        <CardBody>
          <p className="mb-4 text-sm text-ink-muted">
            Anyone your identity provider signs in becomes a reviewer and sees only the items assigned to them. Reviewers are matched to Airtable users by email.
            {' '}
            {ROLES.map((r) => `${r}: ${ROLE_DESCRIPTION[r].toLowerCase()}`).join('; ')}.
          </p>
          <Table label="Users and roles">
            <THead>
              <TR>
                <TH>Email</TH>
                <TH>Name</TH>
                <TH>Role</TH>
                <TH>Last sign-in</TH>
              </TR>
            </THead>
            <TBody>
              {users.map((u) => (
                <TR key={u.id}>
                  <TD className="font-medium">{u.email}</TD>
                  <TD>{u.name ?? '—'}</TD>
                  <TD>
                    <RoleSelect userId={u.id} email={u.email} role={u.role} isSelf={u.id === me.id} />
                  </TD>
                  <TD>{u.lastSignInAt ? formatDateTime(u.lastSignInAt) : 'Never'}</TD>
                </TR>
              ))}
            </TBody>
          </Table>
        </CardBody>
      </Card>
      <Card>
        <CardHeader title="Add someone before their first sign-in" />
        <CardBody>
          <AddUserForm />
        </CardBody>
      </Card>
    </div>
  );
}
