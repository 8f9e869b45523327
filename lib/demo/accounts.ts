import { DEMO_COMPANY_DOMAIN } from '@/lib/airtable-sim';
import type { TRole } from '@/db/schema';

export type TDemoAccount = {
  email: string;
  name: string;
  role: TRole;
  title: string;
  department: string;
  /** Generated directory users who report to this person (the reviewer is a real manager). */
  directReports: number;
  /** Also present as a user in the demo Airtable directory. */
  inDirectory: boolean;
  blurb: string;
};

/** The three accounts offered by the demo sign-in (demo mode only). */
export const DEMO_ACCOUNTS: readonly TDemoAccount[] = [
  {
    email: `alex.admin@${DEMO_COMPANY_DOMAIN}`,
    name: 'Alex Admin',
    role: 'admin',
    title: 'IT Systems Administrator',
    department: 'IT',
    directReports: 0,
    inDirectory: true,
    blurb: 'Runs snapshots and campaigns, manages the connection and roles.',
  },
  {
    email: `morgan.manager@${DEMO_COMPANY_DOMAIN}`,
    name: 'Morgan Manager',
    role: 'reviewer',
    title: 'Engineering Manager',
    department: 'Engineering',
    directReports: 12,
    inDirectory: true,
    blurb: 'A manager in the demo directory who reviews their team’s access.',
  },
  {
    email: 'avery.auditor@audit-partners.example',
    name: 'Avery Auditor',
    role: 'auditor',
    title: 'External Auditor',
    department: 'Audit',
    directReports: 0,
    inDirectory: false,
    blurb: 'Reads everything and downloads evidence; cannot change anything.',
  },
];

export function findDemoAccount(email: string): TDemoAccount | undefined {
  const wanted = email.trim().toLowerCase();
  return DEMO_ACCOUNTS.find((a) => a.email === wanted);
}
