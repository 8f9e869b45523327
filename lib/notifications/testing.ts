import type { AddressInfo } from 'node:net';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';

/**
 * A real SMTP server in the test process (the smtp-server package) on 127.0.0.1 and a free port,
 * no TLS, collecting every message it accepts. Tests send through nodemailer to it: the SMTP
 * conversation, the encoding and the envelope are the real ones, not a mock. Not used by app code.
 */

export type TReceivedMail = {
  /** Envelope recipients (RCPT TO), lowercased. */
  to: string[];
  /** Envelope sender (MAIL FROM). */
  mailFrom: string;
  /** Header fields, names lowercased, values unfolded and decoded (RFC 2047 encoded words). */
  headers: Record<string, string>;
  subject: string;
  /** The text body, transfer encoding undone. */
  text: string;
  raw: string;
};

export type TTestSmtpServer = {
  port: number;
  messages: TReceivedMail[];
  /** Authentications attempted: username and whether it was accepted (never the password). */
  logins: Array<{ username: string; accepted: boolean }>;
  close: () => Promise<void>;
};

export type TTestSmtpOptions = {
  /** Require this login (AUTH PLAIN / LOGIN over the plain connection). */
  auth?: { username: string; password: string };
  /** Recipients refused with `550 5.1.1 mailbox unavailable` (a permanent failure). */
  rejectRecipients?: string[];
  /** Listen on this port (to restart a stopped server where the app expects it). */
  port?: number;
};

/** Start the server; resolves once it listens. */
export async function startTestSmtpServer(options: TTestSmtpOptions = {}): Promise<TTestSmtpServer> {
  const messages: TReceivedMail[] = [];
  const logins: TTestSmtpServer['logins'] = [];
  const rejected = new Set((options.rejectRecipients ?? []).map((r) => r.toLowerCase()));
  const config: SMTPServerOptions = {
    secure: false,
    disabledCommands: options.auth ? ['STARTTLS'] : ['STARTTLS', 'AUTH'],
    authOptional: !options.auth,
    allowInsecureAuth: true,
    authMethods: ['PLAIN', 'LOGIN'],
    logger: false,
    onAuth(auth, _session, callback) {
      const accepted = auth.username === options.auth?.username && auth.password === options.auth?.password;
      logins.push({ username: auth.username ?? '', accepted });
      if (!accepted) return callback(Object.assign(new Error('5.7.8 Authentication credentials invalid'), { responseCode: 535 }));
      callback(null, { user: auth.username });
    },
    onRcptTo(address, _session, callback) {
      if (rejected.has(address.address.toLowerCase())) {
        return callback(Object.assign(new Error('5.1.1 Mailbox unavailable'), { responseCode: 550 }));
      }
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        const mailFrom = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
        messages.push({ ...parseMessage(raw), to: session.envelope.rcptTo.map((r) => r.address.toLowerCase()), mailFrom, raw });
        callback();
      });
    },
  };
  const server = new SMTPServer(config);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.server.address() as AddressInfo).port;
  return {
    port,
    messages,
    logins,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Enough of RFC 5322 / 2045 / 2047 for the plain-text mails nodemailer writes. */
export function parseMessage(raw: string): Pick<TReceivedMail, 'headers' | 'subject' | 'text'> {
  const split = raw.indexOf('\r\n\r\n');
  const head = split < 0 ? raw : raw.slice(0, split);
  const body = split < 0 ? '' : raw.slice(split + 4);
  const headers: Record<string, string> = {};
  for (const line of head.replace(/\r\n[ \t]+/g, ' ').split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = decodeWords(line.slice(colon + 1).trim());
  }
  const encoding = (headers['content-transfer-encoding'] ?? '7bit').toLowerCase();
  let text = body;
  if (encoding === 'quoted-printable') text = decodeQuotedPrintable(body);
  else if (encoding === 'base64') text = Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
  return { headers, subject: headers.subject ?? '', text: text.replace(/\r\n/g, '\n').replace(/\n$/, '') };
}

function decodeQuotedPrintable(text: string): string {
  const bytes: number[] = [];
  const soft = text.replace(/=\r?\n/g, '');
  for (let i = 0; i < soft.length; i++) {
    const ch = soft[i]!;
    if (ch === '=' && /^[0-9A-F]{2}$/i.test(soft.slice(i + 1, i + 3))) {
      bytes.push(parseInt(soft.slice(i + 1, i + 3), 16));
      i += 2;
    } else {
      bytes.push(...Buffer.from(ch, 'utf8'));
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

// RFC 2047: =?charset?Q|B?text?=, adjacent encoded words joined without the space between them.
function decodeWords(value: string): string {
  return value
    .replace(/(=\?[^?]+\?[QB]\?[^?]*\?=)\s+(?==\?)/gi, '$1')
    .replace(/=\?([^?]+)\?([QB])\?([^?]*)\?=/gi, (_m, _charset: string, enc: string, data: string) =>
      enc.toUpperCase() === 'B' ? Buffer.from(data, 'base64').toString('utf8') : decodeQuotedPrintable(data.replace(/_/g, ' ')),
    );
}

/** Wait until `count` messages arrived (or fail after `timeoutMs`). */
export async function waitForMessages(server: TTestSmtpServer, count: number, timeoutMs = 5_000): Promise<TReceivedMail[]> {
  const deadline = Date.now() + timeoutMs;
  while (server.messages.length < count) {
    if (Date.now() > deadline) throw new Error(`expected ${count} messages, got ${server.messages.length}`);
    await new Promise((r) => setTimeout(r, 10));
  }
  return server.messages;
}
