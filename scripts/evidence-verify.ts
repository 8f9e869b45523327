/**
 * `npm run evidence:verify <dir|zip>`: check an evidence package against its manifest.json —
 * every file's SHA-256, size and row count, and no file missing or extra. Needs no database.
 * Exit codes: 0 verified ("OK" summary on stdout), 1 problems (each named on stderr), 2 bad arguments.
 */
import { resolve } from 'node:path';
import { verifyEvidence } from '@/lib/evidence/verify';

const USAGE = 'usage: npm run evidence:verify <package directory | package.zip>';

const args = process.argv.slice(2);
if (args.length !== 1 || args[0] === '--help' || args[0] === '-h') {
  console.error(USAGE);
  process.exit(2);
}
const path = resolve(args[0] as string);
const result = await verifyEvidence(path);
const m = result.manifest;
if (result.ok && m) {
  console.log(`OK: ${result.verified.length} files verified in ${path}`);
  console.log(`campaign #${m.campaignId} "${m.campaignName}" (${m.inProgress ? 'IN PROGRESS' : m.campaignStatus}), snapshot #${m.snapshotId}, generated ${m.generatedAt} by ${m.generator}`);
  for (const f of m.files) console.log(`  ${f.name.padEnd(20)} ${String(f.rows ?? '-').padStart(8)} rows ${String(f.bytes).padStart(12)} bytes  sha256 ${f.sha256}`);
  console.log(`manifest.json sha256 ${result.manifestSha256} (compare with the evidence.manifest_issued entry of Attest's audit log)`);
} else {
  console.error(`FAILED: ${result.problems.length} problem${result.problems.length === 1 ? '' : 's'} in ${path}`);
  for (const p of result.problems) console.error(`  ${p.file}: ${p.kind} — ${p.message}`);
  process.exit(1);
}
