import { z } from 'zod';
import { STALE_RULE_KEYS } from '@/lib/stale/rules';
import { queryPage, queryText } from '@/lib/url';

/**
 * URL parameters of the stale-accounts dashboard and its CSV export (the same filter, so a
 * download is exactly what the page shows). Bad values fall back to defaults: people edit URLs.
 * `department=__unassigned__` selects accounts with no department in the directory or the HR roster.
 */
export const UNASSIGNED_DEPARTMENT = '__unassigned__';

export const ZStaleUrl = z.object({
  rule: z.enum([...STALE_RULE_KEYS, 'reclaim']).optional().catch(undefined),
  department: queryText(200),
  q: queryText(200),
  page: queryPage,
  points: z.coerce.number().int().min(2).max(36).catch(12),
});
export type TStaleUrl = z.infer<typeof ZStaleUrl>;

export type TStaleUrlFilter = { rule?: TStaleUrl['rule']; department?: string | null; q?: string };

export function staleFilterOf(url: TStaleUrl): TStaleUrlFilter {
  return { rule: url.rule, department: url.department === UNASSIGNED_DEPARTMENT ? null : url.department, q: url.q };
}

/** The filter of a request's query string (route handlers). */
export function staleFilterFromParams(params: URLSearchParams): TStaleUrlFilter {
  return staleFilterOf(ZStaleUrl.parse(Object.fromEntries(params.entries())));
}

/** The parsed query as plain strings, for links that keep it. */
export function staleQueryStrings(url: TStaleUrl): Record<string, string | undefined> {
  return {
    rule: url.rule,
    department: url.department,
    q: url.q,
    points: url.points === 12 ? undefined : String(url.points),
    page: url.page > 1 ? String(url.page) : undefined,
  };
}
