import { z } from 'zod';
import type { Prng } from './prng';

/** A targeted fault: the next `times` requests matching method and path prefix answer `status` (with `body`). */
export type FailRule = { method?: string; pathPrefix?: string; status: number; times: number; body?: unknown };

/** Fault injection knobs; every field is switchable at construction, by `setFaults`, or over HTTP (`POST /__sim/faults`). */
export type FaultConfig = {
  /** Added to every response (0 = none). */
  latencyMs: number;
  /** Uniform extra delay in [0, latencyJitterMs). */
  latencyJitterMs: number;
  /** The next N authenticated requests answer 429 (counts down), regardless of rate. */
  burst429: number;
  /** Retry-After header on injected AND rate-limit 429s (null = omit the header). */
  retryAfterSeconds: number | null;
  /** Probability 0..1 of a 500/502/503 SCIM error (decided before the request is processed). */
  rate5xx: number;
  /** Probability 0..1 that the connection is destroyed with no response (after the request is processed). */
  dropConnectionRate: number;
  /** Probability 0..1 that a 200 carries a truncated, unparseable JSON body. */
  malformedJsonRate: number;
  /** List endpoints always return the first page (a broken server). */
  ignoreStartIndex: boolean;
  /** Targeted faults, consumed in order of the first matching rule. */
  failNext: FailRule[];
  /** Successful PATCHes answer 204 with no body instead of 200 + resource (RFC 7644 §3.5.2 allows both). */
  patchNoContent: boolean;
};

/** No faults at all. */
export const NO_FAULTS: FaultConfig = {
  latencyMs: 0,
  latencyJitterMs: 0,
  burst429: 0,
  retryAfterSeconds: null,
  rate5xx: 0,
  dropConnectionRate: 0,
  malformedJsonRate: 0,
  ignoreStartIndex: false,
  failNext: [],
  patchNoContent: false,
};

const ZProbability = z.number().min(0).max(1);
const ZFailRule = z.strictObject({
  method: z.string().optional(),
  pathPrefix: z.string().optional(),
  status: z.number().int().min(100).max(599),
  times: z.number().int().min(1),
  body: z.unknown().optional(),
});

/** A partial FaultConfig as sent to `POST /__sim/faults`; unknown keys are refused to catch typos. */
export const ZFaultConfigPatch = z.strictObject({
  latencyMs: z.number().min(0).optional(),
  latencyJitterMs: z.number().min(0).optional(),
  burst429: z.number().int().min(0).optional(),
  retryAfterSeconds: z.number().int().min(0).nullable().optional(),
  rate5xx: ZProbability.optional(),
  dropConnectionRate: ZProbability.optional(),
  malformedJsonRate: ZProbability.optional(),
  ignoreStartIndex: z.boolean().optional(),
  failNext: z.array(ZFailRule).optional(),
  patchNoContent: z.boolean().optional(),
});

/** What the fault engine decided for one request. */
export type FaultDecision = {
  delayMs: number;
  inject429: boolean;
  failRule: FailRule | null;
  status5xx: 500 | 502 | 503 | null;
  drop: boolean;
  malformed: boolean;
};

const SERVER_ERRORS = [500, 502, 503] as const;

function matches(rule: FailRule, method: string, scimPath: string, fullPath: string): boolean {
  if (rule.method && rule.method.toUpperCase() !== method) return false;
  if (rule.pathPrefix && !scimPath.startsWith(rule.pathPrefix) && !fullPath.startsWith(rule.pathPrefix)) return false;
  return true;
}

/**
 * The mutable fault state plus its PRNG. Every decision draws the same number of random
 * values whatever the configuration, so a given seed yields the same fault pattern for the
 * same request sequence even when some probabilities are zero.
 */
export function createFaultEngine(prng: Prng, initial: Partial<FaultConfig> = {}) {
  let config: FaultConfig = { ...NO_FAULTS, ...initial, failNext: [...(initial.failNext ?? [])] };
  return {
    get config(): FaultConfig {
      return config;
    },
    set(patch: Partial<FaultConfig>): void {
      config = { ...config, ...patch, failNext: patch.failNext ? patch.failNext.map((r) => ({ ...r })) : config.failNext };
    },
    reset(): void {
      config = { ...NO_FAULTS, failNext: [] };
    },
    /** Decide (and consume counters) for one request; `scimPath` is relative to the base path. */
    decide(method: string, scimPath: string, fullPath: string): FaultDecision {
      const jitter = prng.next();
      const r5xx = prng.next();
      const which5xx = prng.next();
      const rDrop = prng.next();
      const rMalformed = prng.next();
      const delayMs = config.latencyMs + jitter * config.latencyJitterMs;
      let inject429 = false;
      if (config.burst429 > 0) {
        config.burst429--;
        inject429 = true;
      }
      let failRule: FailRule | null = null;
      if (!inject429) {
        const index = config.failNext.findIndex((rule) => matches(rule, method, scimPath, fullPath));
        const rule = config.failNext[index];
        if (rule) {
          failRule = { ...rule };
          rule.times--;
          if (rule.times <= 0) config.failNext.splice(index, 1);
        }
      }
      return {
        delayMs,
        inject429,
        failRule,
        status5xx: r5xx < config.rate5xx ? (SERVER_ERRORS[Math.floor(which5xx * 3)] ?? 500) : null,
        drop: rDrop < config.dropConnectionRate,
        malformed: rMalformed < config.malformedJsonRate,
      };
    },
  };
}

export type FaultEngine = ReturnType<typeof createFaultEngine>;
