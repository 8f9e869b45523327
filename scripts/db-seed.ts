/** `npm run db:seed`: migrate, then seed the demo accounts and the demo directory (idempotent). */
import { closeDb } from '@/db/client';
import { seedDatabase } from '@/db/seed';

const summary = seedDatabase();
closeDb();
console.error(
  `seeded: ${summary.demoAccounts} new demo account(s)` +
    (summary.demoDirectoryUsers === null ? '; a real SCIM connection is configured' : `; demo directory has ${summary.demoDirectoryUsers} users`),
);
