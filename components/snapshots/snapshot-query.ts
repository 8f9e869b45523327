import { z } from 'zod';
import { GROUP_SORTS, USER_SORTS } from '@/lib/snapshot/types';
import { queryPage, queryText } from '@/lib/url';

// URL parameters of the snapshot detail page. Bad values fall back to defaults: people edit URLs.
export const ZSnapshotTabQuery = z.object({
  tab: z.enum(['users', 'groups', 'memberships']).catch('users'),
  q: queryText(200),
  active: z.enum(['active', 'inactive']).optional().catch(undefined),
  department: queryText(200),
  group: queryText(100),
  noGroups: z.literal('1').optional().catch(undefined),
  external: z.literal('1').optional().catch(undefined),
  orphan: z.literal('1').optional().catch(undefined),
  sort: z.enum([...USER_SORTS, ...GROUP_SORTS]).optional().catch(undefined),
  dir: z.enum(['asc', 'desc']).optional().catch(undefined),
  page: queryPage,
});
export type TSnapshotTabQuery = z.infer<typeof ZSnapshotTabQuery>;

/** The parsed query as plain strings, for building links that keep it. */
export function queryStrings(query: TSnapshotTabQuery): Record<string, string | undefined> {
  return {
    tab: query.tab === 'users' ? undefined : query.tab,
    q: query.q,
    active: query.active,
    department: query.department,
    group: query.group,
    noGroups: query.noGroups,
    external: query.external,
    orphan: query.orphan,
    sort: query.sort,
    dir: query.dir,
    page: query.page > 1 ? String(query.page) : undefined,
  };
}
