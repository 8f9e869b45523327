import type { TRole } from '@/db/schema';

export { ROLES, type TRole } from '@/db/schema';

export const ROLE_LABEL: Record<TRole, string> = {
  admin: 'Admin',
  reviewer: 'Reviewer',
  auditor: 'Auditor',
};

export const ROLE_DESCRIPTION: Record<TRole, string> = {
  admin: 'Connection, snapshots, campaigns, remediation and roles',
  reviewer: 'Certifies or revokes the access assigned to them',
  auditor: 'Reads everything, changes nothing',
};

export type TNavItem = { href: string; label: string; roles: readonly TRole[] };

/** The app's navigation; each entry is shown only to the roles that may use it (pages check again). */
export const NAV_ITEMS: readonly TNavItem[] = [
  { href: '/', label: 'Dashboard', roles: ['admin', 'reviewer', 'auditor'] },
  { href: '/snapshots', label: 'Snapshots', roles: ['admin', 'auditor'] },
  { href: '/campaigns', label: 'Campaigns', roles: ['admin', 'auditor'] },
  { href: '/reviews', label: 'My reviews', roles: ['admin', 'reviewer'] },
  { href: '/stale', label: 'Stale accounts', roles: ['admin', 'auditor'] },
  { href: '/chargeback', label: 'Licenses', roles: ['admin', 'auditor'] },
  { href: '/audit', label: 'Audit log', roles: ['admin', 'auditor'] },
  { href: '/settings', label: 'Settings', roles: ['admin'] },
];

export function navFor(role: TRole): TNavItem[] {
  return NAV_ITEMS.filter((item) => item.roles.includes(role));
}
