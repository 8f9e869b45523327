import { defineConfig, devices } from '@playwright/test';

/**
 * End-to-end tests against a production build (`next start`) in Debian's Chromium: Playwright
 * cannot download its own browsers here. The server gets its own database files and the demo
 * directory (built-in simulator), removed before each run so every run starts from the same seed.
 */
const PORT = Number(process.env.E2E_PORT ?? 3100);
// Auth.js builds absolute URLs with "localhost": use it everywhere, never 127.0.0.1.
const baseURL = `http://localhost:${PORT}`;
const E2E_DATA_DIR = '.tmp/e2e';

export default defineConfig({
  testDir: './e2e',
  fullyParallel: false,
  workers: 1,
  retries: process.env.CI ? 1 : 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: [['list'], ['json', { outputFile: '.tmp/playwright-results.json' }]],
  use: {
    baseURL,
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
  },
  projects: [
    {
      name: 'chromium',
      use: {
        ...devices['Desktop Chrome'],
        launchOptions: {
          executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
          args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
        },
      },
    },
  ],
  webServer: {
    command: `rm -rf ${E2E_DATA_DIR} && node node_modules/next/dist/bin/next start -p ${PORT}`,
    url: `${baseURL}/sign-in`,
    reuseExistingServer: false,
    timeout: 120_000,
    stdout: 'ignore',
    stderr: 'pipe',
    env: {
      NODE_ENV: 'production',
      NEXT_TELEMETRY_DISABLED: '1',
      ATTEST_DEMO: '1',
      // Ticks would make runs depend on the minute they hit; e2e drives every flow explicitly.
      ATTEST_SCHEDULER: 'off',
      AUTH_SECRET: 'e2e-secret-e2e-secret-e2e-secret-e2e-secret',
      DATABASE_URL: `file:./${E2E_DATA_DIR}/attest.db`,
      SIM_DATABASE_URL: `file:./${E2E_DATA_DIR}/airtable-sim.db`,
      LOG_LEVEL: 'warn',
      // Slow enough that a demo snapshot (~70 requests) runs for several seconds and its progress can be watched.
      SCIM_RATE_LIMIT: '10',
    },
  },
});
