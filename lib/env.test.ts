import { describe, expect, it } from 'vitest';
import { DEMO_AUTH_SECRET, EnvError, loadEnv } from './env';

const REAL_SECRET = 'r'.repeat(44);

describe('environment and production safety', () => {
  it('has safe demo defaults outside production', () => {
    const e = loadEnv({ NODE_ENV: 'development' });
    expect(e.authSecret).toBe(DEMO_AUTH_SECRET);
    expect(e.demoSignIn).toBe(true);
    expect(e.databasePath).toBe('./data/attest.db');
  });

  it('refuses production without AUTH_SECRET', () => {
    expect(() => loadEnv({ NODE_ENV: 'production' })).toThrow(/AUTH_SECRET is required/);
  });

  it('refuses production with the demo secret or a short one', () => {
    expect(() => loadEnv({ NODE_ENV: 'production', AUTH_SECRET: DEMO_AUTH_SECRET })).toThrow(/demo secret/);
    expect(() => loadEnv({ NODE_ENV: 'production', AUTH_SECRET: 'short' })).toThrow(/at least 32/);
  });

  it('refuses demo sign-in in production without ATTEST_DEMO=1', () => {
    expect(() => loadEnv({ NODE_ENV: 'production', AUTH_SECRET: REAL_SECRET, ATTEST_DEMO_SIGNIN: '1' })).toThrow(EnvError);
  });

  it('turns demo sign-in off in production and on with ATTEST_DEMO=1', () => {
    expect(loadEnv({ NODE_ENV: 'production', AUTH_SECRET: REAL_SECRET }).demoSignIn).toBe(false);
    const demo = loadEnv({ NODE_ENV: 'production', ATTEST_DEMO: '1' });
    expect(demo.demoSignIn).toBe(true);
    expect(demo.authSecret).toBe(DEMO_AUTH_SECRET);
  });

  it('needs all three OIDC variables together', () => {
    expect(() => loadEnv({ OIDC_ISSUER: 'https://idp.example.com' })).toThrow(/must be set together/);
    expect(loadEnv({ OIDC_ISSUER: 'https://idp.example.com', OIDC_CLIENT_ID: 'a', OIDC_CLIENT_SECRET: 'b' }).oidcConfigured).toBe(true);
  });

  it('parses ADMIN_EMAILS and DATABASE_URL forms', () => {
    const e = loadEnv({ ADMIN_EMAILS: ' Ada@Example.com, bob@example.com ,', DATABASE_URL: ':memory:' });
    expect(e.ADMIN_EMAILS).toEqual(['ada@example.com', 'bob@example.com']);
    expect(e.databasePath).toBe(':memory:');
  });

  it('rejects a malformed SCIM_BASE_URL with the variable named', () => {
    expect(() => loadEnv({ SCIM_BASE_URL: 'not a url' })).toThrow(/SCIM_BASE_URL/);
  });
});
