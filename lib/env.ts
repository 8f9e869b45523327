import { z } from 'zod';

/**
 * The validated environment: the only module that reads `process.env`.
 * Read lazily (on first call) so `next build` can import modules without a configured runtime.
 */

/** The demo AUTH_SECRET: good enough to click around locally, refused in production mode. */
export const DEMO_AUTH_SECRET = 'attest-demo-secret-not-for-production-use-000000';
export const DEFAULT_SCIM_BASE_URL = 'https://airtable.com/scim/v2';

const ZFlag = z
  .enum(['0', '1', 'true', 'false', ''])
  .optional()
  .transform((v) => v === '1' || v === 'true');

const ZEnv = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  DATABASE_URL: z.string().min(1).default('file:./data/attest.db'),
  AUTH_SECRET: z.string().optional(),
  ATTEST_DEMO: ZFlag,
  ADMIN_EMAILS: z
    .string()
    .default('')
    .transform((s) =>
      s
        .split(',')
        .map((e) => e.trim().toLowerCase())
        .filter(Boolean),
    ),
  OIDC_ISSUER: z.url().optional(),
  OIDC_CLIENT_ID: z.string().min(1).optional(),
  OIDC_CLIENT_SECRET: z.string().min(1).optional(),
  OIDC_NAME: z.string().min(1).default('Single sign-on'),
  SCIM_BASE_URL: z.url().optional(),
  SCIM_TOKEN: z.string().min(1).optional(),
  SCIM_RATE_LIMIT: z.coerce.number().int().min(0).max(10_000).default(50),
  SIM_DATABASE_URL: z.string().min(1).default('file:./data/airtable-sim.db'),
  LOG_LEVEL: z.string().optional(),
  /** The address people open Attest at: links in notification mails point here. */
  APP_URL: z.url().default('http://localhost:3000'),
  /** 'off': no in-process scheduler (hosts that run `npm run campaigns:tick` from system cron instead). */
  ATTEST_SCHEDULER: z.enum(['on', 'off']).default('on'),
  /** Trust the first X-Forwarded-For hop as the client address (only behind a proxy that sets it). */
  TRUST_PROXY: ZFlag,
});

export type TEnv = z.infer<typeof ZEnv> & {
  /** AUTH_SECRET, or the demo secret when demo mode allows it. */
  authSecret: string;
  /** Demo sign-in (three seeded accounts) is offered. */
  demoSignIn: boolean;
  /** Path of the SQLite file (or ':memory:') picked by DATABASE_URL. */
  databasePath: string;
  simDatabasePath: string;
  oidcConfigured: boolean;
};

let cached: TEnv | undefined;

/** Parse and check the environment once. Throws `EnvError` with every problem listed. */
export function env(): TEnv {
  cached ??= loadEnv(process.env);
  return cached;
}

/** Forget the parsed environment (tests change process.env between cases). */
export function resetEnvForTests(): void {
  cached = undefined;
}

export class EnvError extends Error {
  override name = 'EnvError';
}

/** Pure: parse an environment object and apply the production-safety rules. */
export function loadEnv(source: Record<string, string | undefined>): TEnv {
  // Empty strings in .env files mean "not set".
  const cleaned = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = ZEnv.safeParse(cleaned);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new EnvError(`Invalid environment:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  const problems: string[] = [];
  const production = e.NODE_ENV === 'production';
  const demo = e.ATTEST_DEMO;

  if (production && !demo) {
    if (!e.AUTH_SECRET) problems.push('AUTH_SECRET is required in production (32+ random characters, e.g. `openssl rand -base64 32`).');
    else if (e.AUTH_SECRET === DEMO_AUTH_SECRET) problems.push('AUTH_SECRET is the demo secret; set a real one.');
    else if (e.AUTH_SECRET.length < 32) problems.push('AUTH_SECRET must be at least 32 characters.');
    if (source.ATTEST_DEMO_SIGNIN === '1') problems.push('Demo sign-in cannot be enabled in production without ATTEST_DEMO=1.');
  }
  const oidcParts = [e.OIDC_ISSUER, e.OIDC_CLIENT_ID, e.OIDC_CLIENT_SECRET].filter(Boolean).length;
  if (oidcParts > 0 && oidcParts < 3) problems.push('OIDC_ISSUER, OIDC_CLIENT_ID and OIDC_CLIENT_SECRET must be set together.');
  if (problems.length > 0) throw new EnvError(`Attest refuses to start:\n${problems.map((p) => `  - ${p}`).join('\n')}`);

  return {
    ...e,
    authSecret: e.AUTH_SECRET ?? DEMO_AUTH_SECRET,
    demoSignIn: demo || !production,
    databasePath: sqlitePath(e.DATABASE_URL),
    simDatabasePath: sqlitePath(e.SIM_DATABASE_URL),
    oidcConfigured: oidcParts === 3,
  };
}

function sqlitePath(url: string): string {
  if (url === ':memory:' || url === 'file::memory:') return ':memory:';
  return url.startsWith('file:') ? url.slice('file:'.length) : url;
}
