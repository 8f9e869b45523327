/**
 * `npm start`: check the configuration, migrate, seed the demo, build, and serve on :3000.
 * Without AUTH_SECRET it runs the demo (ATTEST_DEMO=1: demo sign-in, demo secret). With a real
 * configuration (see README) the same command serves your Airtable enterprise.
 */
import { spawnSync, spawn } from 'node:child_process';
import { EnvError, loadEnv } from '@/lib/env';

const args = new Set(process.argv.slice(2));
const childEnv: NodeJS.ProcessEnv = { ...process.env, NEXT_TELEMETRY_DISABLED: '1', NODE_ENV: 'production' };
if (!childEnv.AUTH_SECRET && childEnv.ATTEST_DEMO === undefined) {
  childEnv.ATTEST_DEMO = '1';
  console.error('attest: no AUTH_SECRET set: starting the demo (ATTEST_DEMO=1). See README → Configuration for a real setup.');
}

try {
  loadEnv(childEnv);
} catch (error) {
  console.error(error instanceof EnvError ? error.message : error);
  process.exit(1);
}

function run(command: string, commandArgs: string[]): void {
  const result = spawnSync(command, commandArgs, { stdio: 'inherit', env: childEnv });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

run(process.execPath, ['--conditions=react-server', '--import', 'tsx', 'scripts/db-seed.ts']);
if (!args.has('--no-build')) run(process.execPath, ['node_modules/next/dist/bin/next', 'build']);

const port = childEnv.PORT ?? '3000';
const server = spawn(process.execPath, ['node_modules/next/dist/bin/next', 'start', '-p', port], { stdio: 'inherit', env: childEnv });
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => server.kill(signal));
server.on('exit', (code) => process.exit(code ?? 0));
