/**
 * Links into the campaign wizard for flagged accounts. Pure, so the dashboard's client table can
 * build the "selected accounts" link. The wizard reads:
 *
 *   /campaigns/new?snapshot=<id>&stale=1[&staleRule=<rule|reclaim>][&staleDepartment=<name>|&staleUnassigned=1][&staleQ=<text>]
 *     → every flagged account matching that filter (resolve with lib/stale `listStaleAccountIds`);
 *   /campaigns/new?snapshot=<id>&stale=1&users=<scimId>,<scimId>…
 *     → exactly those accounts (at most 100 ids, what people tick on one page).
 */

export const MAX_LINK_USERS = 100;

export type TStaleLinkFilter = { rule?: string; department?: string | null; q?: string };

export function staleCampaignHref(snapshotId: number, filter: TStaleLinkFilter, selected: readonly string[] = []): string {
  const params = new URLSearchParams({ snapshot: String(snapshotId), stale: '1' });
  if (selected.length > 0) {
    params.set('users', selected.slice(0, MAX_LINK_USERS).join(','));
    return `/campaigns/new?${params.toString()}`;
  }
  if (filter.rule) params.set('staleRule', filter.rule);
  if (filter.department === null) params.set('staleUnassigned', '1');
  else if (filter.department) params.set('staleDepartment', filter.department);
  if (filter.q) params.set('staleQ', filter.q);
  return `/campaigns/new?${params.toString()}`;
}
