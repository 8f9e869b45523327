import { defineConfig } from '@playwright/test';
import base from './playwright.config';

/**
 * `npm run screenshots`: the README's screenshots, taken from a production build over the demo
 * directory by scripts/screenshots/*.shots.ts, so they show the app as it is today. Same server
 * setup as the e2e suite, on its own port and data directory.
 */
const PORT = 3101;
const DATA_DIR = '.tmp/screenshots';
const baseURL = `http://localhost:${PORT}`;

export default defineConfig({
  ...base,
  testDir: './scripts/screenshots',
  testMatch: '*.shots.ts',
  reporter: [['list']],
  timeout: 180_000,
  use: { ...base.use, baseURL, viewport: { width: 1440, height: 900 }, deviceScaleFactor: 1, trace: 'off', screenshot: 'off' },
  projects: base.projects?.map((p) => ({ ...p, use: { ...p.use, viewport: { width: 1440, height: 900 }, deviceScaleFactor: 1 } })),
  webServer: {
    ...(Array.isArray(base.webServer) ? base.webServer[0] : base.webServer)!,
    command: `rm -rf ${DATA_DIR} && node node_modules/next/dist/bin/next start -p ${PORT}`,
    url: `${baseURL}/sign-in`,
    env: {
      ...(Array.isArray(base.webServer) ? base.webServer[0]?.env : base.webServer?.env),
      DATABASE_URL: `file:./${DATA_DIR}/attest.db`,
      SIM_DATABASE_URL: `file:./${DATA_DIR}/airtable-sim.db`,
      SCIM_RATE_LIMIT: '50',
    },
  },
});
