/**
 * `npm run backup [-- <file>]`: a consistent copy of DATABASE_URL through SQLite's online backup
 * API, safe while the app runs. Default file: data/backups/attest-<UTC timestamp>.db.
 * The last stdout line is one JSON object `{"path","bytes","pages","auditRows","integrity"}`.
 * Exit codes: 0 done, 1 failed (reason on stderr), 2 bad arguments.
 * Restore: stop the app, replace the database file with the copy (and delete any `-wal` / `-shm`
 * files next to it), start the app; `npm run audit:verify` then checks the audit chain.
 */
import { join } from 'node:path';
import { backupDatabase } from '@/db/backup';
import { closeDb } from '@/db/client';

const args = process.argv.slice(2);
if (args.length > 1 || args.some((a) => a.startsWith('-'))) {
  process.stderr.write('usage: npm run backup [-- <file>]\n');
  process.exit(2);
}
const stamp = new Date().toISOString().replace(/[:.]/g, '-');
const destination = args[0] ?? join('data', 'backups', `attest-${stamp}.db`);

try {
  const result = await backupDatabase(destination);
  process.stdout.write(`${JSON.stringify(result)}\n`);
} catch (error) {
  process.stderr.write(`backup failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
} finally {
  closeDb();
}
