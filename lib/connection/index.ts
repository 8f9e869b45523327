import 'server-only';
import { getDb } from '@/db/client';
import { appendAudit, type TActor } from '@/lib/audit';
import { decryptSecret, encryptSecret } from '@/lib/crypto/secret-box';
import { DEMO_SIM_BASE_PATH, DEMO_SIM_TOKEN, getDemoSimulator } from '@/lib/demo/simulator';
import { DEFAULT_SCIM_BASE_URL, env } from '@/lib/env';
import { AppError } from '@/lib/errors';
import { registerSecret } from '@/lib/log';
import { createScimClient, type ScimClient, type ScimClientOptions } from '@/lib/scim';
import { deleteConnectionRow, getSavedConnectionRow, upsertConnectionRow } from './queries';
import type { TConnectionSource, TConnectionSummary } from './types';
import type { TConnectionInput } from './validation';

const TOKEN_PURPOSE = 'scim-token';

export type { TConnectionSource, TConnectionSummary } from './types';

type TResolvedConnection = { source: TConnectionSource; baseUrl: string; token: string; fetch?: typeof fetch };

function last4(token: string): string {
  return token.slice(-4);
}

/**
 * Which SCIM server Attest talks to: SCIM_BASE_URL / SCIM_TOKEN from the environment win, then
 * the connection saved in Settings, else demo mode (the built-in simulator, in-process).
 */
export function resolveConnection(): TResolvedConnection {
  const e = env();
  if (e.SCIM_TOKEN) {
    registerSecret(e.SCIM_TOKEN);
    return { source: 'env', baseUrl: (e.SCIM_BASE_URL ?? DEFAULT_SCIM_BASE_URL).replace(/\/+$/, ''), token: e.SCIM_TOKEN };
  }
  const saved = getSavedConnectionRow();
  if (saved) {
    const token = decryptSecret(saved.tokenCiphertext, e.authSecret, TOKEN_PURPOSE);
    registerSecret(token);
    return { source: 'saved', baseUrl: e.SCIM_BASE_URL ?? saved.baseUrl, token };
  }
  const sim = getDemoSimulator();
  // The origin is never contacted: requests go straight to the in-process handler.
  return {
    source: 'demo',
    baseUrl: `http://localhost${DEMO_SIM_BASE_PATH}`,
    token: DEMO_SIM_TOKEN,
    fetch: (input, init) => sim.handle(new Request(input, init)),
  };
}

/** A SCIM client for the active connection. */
export function connectionClient(options: Partial<ScimClientOptions> = {}): { client: ScimClient; source: TConnectionSource; baseUrl: string } {
  const c = resolveConnection();
  const client = createScimClient({ rateLimitPerSecond: env().SCIM_RATE_LIMIT, ...options, baseUrl: c.baseUrl, token: c.token, fetch: c.fetch });
  return { client, source: c.source, baseUrl: c.baseUrl };
}

export function getConnectionSummary(): TConnectionSummary {
  const e = env();
  const saved = getSavedConnectionRow();
  if (e.SCIM_TOKEN) {
    return {
      source: 'env',
      baseUrl: (e.SCIM_BASE_URL ?? DEFAULT_SCIM_BASE_URL).replace(/\/+$/, ''),
      tokenLast4: last4(e.SCIM_TOKEN),
      updatedAt: null,
      updatedBy: null,
      savedButOverridden: saved !== null,
    };
  }
  if (saved) {
    return { source: 'saved', baseUrl: e.SCIM_BASE_URL ?? saved.baseUrl, tokenLast4: saved.tokenLast4, updatedAt: saved.updatedAt, updatedBy: saved.updatedBy, savedButOverridden: false };
  }
  return { source: 'demo', baseUrl: DEFAULT_SCIM_BASE_URL, tokenLast4: null, updatedAt: null, updatedBy: null, savedButOverridden: false };
}

/** Save (encrypt) a connection; audited without the token. */
export function saveConnection(actor: TActor, input: TConnectionInput): TConnectionSummary {
  const e = env();
  registerSecret(input.token);
  getDb().transaction(
    (tx) => {
      const before = getSavedConnectionRow(tx);
      upsertConnectionRow(tx, {
        baseUrl: input.baseUrl,
        tokenCiphertext: encryptSecret(input.token, e.authSecret, TOKEN_PURPOSE),
        tokenLast4: last4(input.token),
        updatedBy: actor.email,
        updatedAt: new Date().toISOString(),
      });
      appendAudit(
        {
          actor,
          action: 'settings.connection_saved',
          target: { type: 'scim_connection', id: '1' },
          details: { before: before ? { baseUrl: before.baseUrl, tokenLast4: before.tokenLast4 } : null, after: { baseUrl: input.baseUrl, tokenLast4: last4(input.token) } },
        },
        tx,
      );
    },
    { behavior: 'immediate' },
  );
  return getConnectionSummary();
}

/** Forget the saved connection (back to demo mode unless the environment configures one). */
export function clearConnection(actor: TActor): TConnectionSummary {
  getDb().transaction(
    (tx) => {
      const before = getSavedConnectionRow(tx);
      if (!before) throw new AppError('not_found', 'There is no saved connection to remove.');
      deleteConnectionRow(tx);
      appendAudit({ actor, action: 'settings.connection_cleared', target: { type: 'scim_connection', id: '1' }, details: { before: { baseUrl: before.baseUrl, tokenLast4: before.tokenLast4 } } }, tx);
    },
    { behavior: 'immediate' },
  );
  return getConnectionSummary();
}

export type TConnectionTest = Awaited<ReturnType<ScimClient['testConnection']>> & { source: TConnectionSource; baseUrl: string };

/** Test the given (unsaved) values, or the active connection when none are given. */
export async function testConnection(actor: TActor, input?: TConnectionInput): Promise<TConnectionTest> {
  const target = input ? { source: 'saved' as const, baseUrl: input.baseUrl, token: input.token, fetch: undefined } : resolveConnection();
  registerSecret(target.token);
  const client = createScimClient({ baseUrl: target.baseUrl, token: target.token, fetch: target.fetch, timeoutMs: 10_000, maxRetries: 0 });
  const result = await client.testConnection();
  appendAudit({ actor, action: 'settings.connection_tested', target: { type: 'scim_connection', id: '1' }, details: { baseUrl: target.baseUrl, ok: result.ok, ...(result.ok ? {} : { kind: result.kind }) } });
  return { ...result, source: target.source, baseUrl: target.baseUrl };
}
