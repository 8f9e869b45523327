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

/** The accounts offered by the demo sign-in (demo mode only); the first of each role is that role's default. */
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
    email: `sam.security@${DEMO_COMPANY_DOMAIN}`,
    name: 'Sam Security',
    role: 'reviewer',
    title: 'Security Lead',
    department: 'Security',
    directReports: 0,
    inDirectory: false,
    blurb: 'A second reviewer: confirms what managers revoked or were unsure about, in a campaign’s second stage.',
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
