/** `npm run audit:verify`: walk the audit chain; exit 1 naming the first broken row. */
import { closeDb } from '@/db/client';
import { verifyAuditLog } from '@/lib/audit';

const verdict = verifyAuditLog();
closeDb();
if (verdict.ok) {
  console.log(`audit log intact: ${verdict.rows} rows, last hash ${verdict.lastHash}`);
} else {
  console.error(`audit log BROKEN at row ${verdict.brokenRowId}: ${verdict.reason}`);
  process.exit(1);
}
