/**
 * A local SMTP server that prints every mail Attest sends, for trying notifications without a
 * real mail server:
 *
 *   npx tsx scripts/notifications-smtp-dev.ts [--port 2525]
 *
 * Then in Settings → Notifications: host 127.0.0.1, the port, security "None", no username, any
 * From address, mail on. No TLS, no login, nothing delivered anywhere; stops on SIGINT/SIGTERM.
 */
import { parseArgs } from 'node:util';
import { startTestSmtpServer } from '@/lib/notifications/testing';

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { port: { type: 'string', default: '2525' } }, strict: true });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new Error(`--port must be a port number, got "${values.port}"`);
  const server = await startTestSmtpServer({ port });
  process.stderr.write(`SMTP (dev) listening on 127.0.0.1:${server.port}: security "None", no login\n`);
  let shown = 0;
  const timer = setInterval(() => {
    for (; shown < server.messages.length; shown++) {
      const m = server.messages[shown]!;
      process.stdout.write(`\n── To: ${m.to.join(', ')}\n── From: ${m.headers.from ?? m.mailFrom}\n── Subject: ${m.subject}\n\n${m.text}\n`);
    }
  }, 200);
  const stop = () => {
    clearInterval(timer);
    void server.close().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
