import { z } from 'zod';
import type { Prng } from './prng';

/**
 * A targeted fault: requests matching method and path prefix answer `status` (with `body`). In
 * `failNext`, the next `times` matching requests; in `failFirstPerPath`, the first `times` to each path.
 */
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
  /**
   * A deterministic fault plan: the first `times` requests to EACH path matching a rule (counted
   * per method and path, query string ignored) answer `status`; later ones go through. Unlike
   * `rate5xx`, which request meets a fault does not depend on arrival order, so concurrent clients
   * get the same faults on every run. The first rule with failures left for that path applies.
   */
  failFirstPerPath: FailRule[];
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
  failFirstPerPath: [],
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
  failFirstPerPath: z.array(ZFailRule).optional(),
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
  const copyRules = (rules: readonly FailRule[] | undefined): FailRule[] => (rules ?? []).map((r) => ({ ...r }));
  let config: FaultConfig = { ...NO_FAULTS, ...initial, failNext: copyRules(initial.failNext), failFirstPerPath: copyRules(initial.failFirstPerPath) };
  // Failures served so far by `failFirstPerPath`, keyed `rule index|method|path`; a new plan starts from zero.
  let servedPerPath = new Map<string, number>();

  /** The per-path rule that fails this request (and counts it), or null. */
  const planFailure = (method: string, scimPath: string, fullPath: string): FailRule | null => {
    for (const [index, rule] of config.failFirstPerPath.entries()) {
      if (!matches(rule, method, scimPath, fullPath)) continue;
      const key = `${index}|${method.toUpperCase()}|${scimPath}`;
      const served = servedPerPath.get(key) ?? 0;
      if (served >= rule.times) continue;
      servedPerPath.set(key, served + 1);
      return { ...rule };
    }
    return null;
  };

  return {
    get config(): FaultConfig {
      return config;
    },
    set(patch: Partial<FaultConfig>): void {
      config = {
        ...config,
        ...patch,
        failNext: patch.failNext ? copyRules(patch.failNext) : config.failNext,
        failFirstPerPath: patch.failFirstPerPath ? copyRules(patch.failFirstPerPath) : config.failFirstPerPath,
      };
      if (patch.failFirstPerPath) servedPerPath = new Map();
    },
    reset(): void {
      config = { ...NO_FAULTS, failNext: [], failFirstPerPath: [] };
      servedPerPath = new Map();
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
        failRule ??= planFailure(method, scimPath, fullPath);
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
