import nextCoreWebVitals from 'eslint-config-next/core-web-vitals';
import nextTypescript from 'eslint-config-next/typescript';
import drizzle from 'eslint-plugin-drizzle';

const config = [
  ...nextCoreWebVitals,
  ...nextTypescript,
  {
    ignores: ['.next/**', 'node_modules/**', 'db/migrations/**', '.tmp/**', 'test-results/**', 'playwright-report/**', 'next-env.d.ts'],
  },
  {
    plugins: { drizzle },
    rules: {
      // An update or delete without a where clause rewrites a whole table: refuse it at lint time.
      'drizzle/enforce-delete-with-where': ['error', { drizzleObjectName: ['db', 'tx'] }],
      'drizzle/enforce-update-with-where': ['error', { drizzleObjectName: ['db', 'tx'] }],
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/ban-ts-comment': 'error',
      '@typescript-eslint/consistent-type-definitions': ['error', 'type'],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // SQL and the database only in lib/*/queries.ts, db/ and the simulator's own store.
    files: ['app/**/*.{ts,tsx}', 'components/**/*.{ts,tsx}'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            { name: 'better-sqlite3', message: 'No database access in app/ or components/: call a lib/ function.' },
            { name: 'drizzle-orm', message: 'No SQL in app/ or components/: call a lib/ function.' },
          ],
          patterns: [{ group: ['@/db/client', '@/lib/*/queries'], message: 'No database access in app/ or components/: call a lib/ function.' }],
        },
      ],
    },
  },
];

export default config;
