/** `npm run db:migrate`: apply pending migrations to DATABASE_URL. */
import { closeDb, getDb } from '@/db/client';
import { env } from '@/lib/env';

getDb();
closeDb();
console.error(`migrated ${env().databasePath}`);
