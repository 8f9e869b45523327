import 'server-only';

/**
 * lib/stale — stale accounts and license chargeback (docs/decisions/009-stale-accounts.md).
 * Rules over the latest complete snapshot with the current HR roster and activity import
 * (lib/imports): read.ts (dashboard, trend, export), rules.ts (rule catalogue and wording, pure),
 * basis.ts (what an evaluation is based on), queries.ts (the set-based SQL); chargeback.ts
 * (seats per department / cost center / division / organization, month over month);
 * signals.ts (campaign signals at launch); deactivate.ts (hand-off to lib/remediation).
 */

export {
  exportStaleAccountsCsv,
  getStaleOverview,
  getStaleTrend,
  listStaleAccountIds,
  listStaleAccounts,
  MAX_STALE_PAGE_SIZE,
  recordStaleExport,
  STALE_CSV_HEADER,
  STALE_RULE_FILTERS,
  ZStaleQuery,
  type TRuleCount,
  type TStaleAccount,
  type TStaleBasisView,
  type TStaleOverview,
  type TStalePage,
  type TStaleQuery,
  type TStaleRuleFilter,
  type TStaleTrendPoint,
} from './read';
export {
  CHARGEBACK_CSV_HEADER,
  CHARGEBACK_SEATS_CSV_HEADER,
  DIMENSION_LABEL,
  DIMENSIONS,
  exportChargebackCsv,
  exportChargebackSeatsCsv,
  findComparison,
  getChargeback,
  listChargebackAccounts,
  listChargebackSnapshots,
  MONTH_DAYS,
  recordChargebackExport,
  UNASSIGNED_LABEL,
  type TChargeback,
  type TChargebackAccount,
  type TChargebackAccountsInput,
  type TChargebackBucket,
  type TChargebackInput,
  type TComparison,
  type TDimension,
} from './chargeback';
export { checkStaleDeactivation, deactivateStaleAccounts, MAX_DEACTIVATIONS, ZDeactivationSelection, type TDeactivationSelection } from './deactivate';
export { staleSignalSource } from './signals';
export { MAX_LINK_USERS, staleCampaignHref, type TStaleLinkFilter } from './links';
export { describeFindings, RULE_BY_KEY, STALE_RULE_KEYS, STALE_RULES, type TStaleRule, type TStaleRuleKey } from './rules';
