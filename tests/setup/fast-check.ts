import fc from 'fast-check';

/**
 * Property tests (`*.fuzz.test.ts`) run from a fixed seed in `npm test`, so a green main stays
 * green and a failure reproduces. To explore new inputs: `FAST_CHECK_SEED=random npx vitest run
 * lib/**\/*.fuzz.test.ts` (or any number); fast-check prints the seed of a failure to pin it.
 */
const wanted = process.env.FAST_CHECK_SEED;
if (wanted !== 'random') fc.configureGlobal({ seed: wanted === undefined ? 20_261_123 : Number(wanted) });
