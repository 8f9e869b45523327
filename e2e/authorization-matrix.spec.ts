import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { expect, request as requestFactory, test, type APIRequestContext } from '@playwright/test';
import type { TRole } from '@/db/schema';
import { builtServerActions, callServerAction, loginAs } from './fixtures';

/**
 * Every server action and route handler, found in the code (the build's server-reference
 * manifest and app/**\/route.ts), called over HTTP as anonymous, reviewer, auditor and admin.
 * Each must have a rule below: a new action or route without one fails this test. Calls carry
 * input that no schema accepts, so an allowed caller gets "invalid" and nothing is written, and
 * a refused caller must be refused before its input is even read.
 */

type TWho = 'anonymous' | TRole;
const WHO: readonly TWho[] = ['anonymous', 'reviewer', 'auditor', 'admin'];
type TRule = readonly TRole[] | 'public' | 'signed-in';

const ADMIN: TRule = ['admin'];
const REVIEWERS: TRule = ['admin', 'reviewer'];
const READERS: TRule = ['admin', 'auditor'];
/** Any signed-in role, checked for each (unlike 'signed-in', kept for sign-out, which would end the session). */
const EVERYONE: TRule = ['admin', 'reviewer', 'auditor'];

const ACTION_RULES: Record<string, TRule> = {
  'app/(app)/actions.ts#signOutAction': 'signed-in',
  'app/(auth)/sign-in/actions.ts#demoSignInAction': 'public',
  'app/(auth)/sign-in/actions.ts#ssoSignInAction': 'public',
  'app/(app)/campaigns/actions.ts#createCampaignDraftAction': ADMIN,
  'app/(app)/campaigns/actions.ts#updateCampaignDraftAction': ADMIN,
  'app/(app)/campaigns/actions.ts#deleteCampaignDraftAction': ADMIN,
  'app/(app)/campaigns/actions.ts#launchCampaignAction': ADMIN,
  'app/(app)/campaigns/actions.ts#extendDueDateAction': ADMIN,
  'app/(app)/campaigns/actions.ts#reassignItemsAction': ADMIN,
  'app/(app)/campaigns/actions.ts#closeCampaignAction': ADMIN,
  'app/(app)/campaigns/actions.ts#advanceStageAction': ADMIN,
  'app/(app)/campaigns/templates/actions.ts#createTemplateAction': ADMIN,
  'app/(app)/campaigns/templates/actions.ts#updateTemplateAction': ADMIN,
  'app/(app)/campaigns/templates/actions.ts#setTemplateEnabledAction': ADMIN,
  'app/(app)/campaigns/templates/actions.ts#deleteTemplateAction': ADMIN,
  'app/(app)/campaigns/templates/actions.ts#previewScheduleAction': ADMIN,
  'app/(app)/campaigns/actions.ts#excludeItemsAction': ADMIN,
  'app/(app)/campaigns/actions.ts#requestReconciliationAction': ADMIN,
  'app/(app)/campaigns/actions.ts#startRemediationAction': ADMIN,
  'app/(app)/campaigns/actions.ts#retryFailedRemediationAction': ADMIN,
  'app/(app)/reviews/actions.ts#decideItemAction': REVIEWERS,
  'app/(app)/reviews/actions.ts#undoDecisionAction': REVIEWERS,
  'app/(app)/reviews/actions.ts#bulkDecideAction': REVIEWERS,
  'app/(app)/reviews/actions.ts#signOffAction': REVIEWERS,
  'app/(app)/reviews/actions.ts#passOnAsNotSureAction': REVIEWERS,
  'app/(app)/reviews/actions.ts#previewAcceptRecommendationsAction': REVIEWERS,
  'app/(app)/reviews/actions.ts#acceptRecommendationsAction': REVIEWERS,
  'app/(app)/reviews/actions.ts#acceptCarriedOverAction': REVIEWERS,
  'app/(app)/notifications/actions.ts#markNotificationsReadAction': EVERYONE,
  'app/(app)/settings/notifications/actions.ts#saveSmtpSettingsAction': ADMIN,
  'app/(app)/settings/notifications/actions.ts#saveNotificationRulesAction': ADMIN,
  'app/(app)/settings/notifications/actions.ts#sendTestMailAction': ADMIN,
  'app/(app)/settings/actions.ts#saveConnectionAction': ADMIN,
  'app/(app)/settings/actions.ts#clearConnectionAction': ADMIN,
  'app/(app)/settings/actions.ts#testConnectionAction': ADMIN,
  'app/(app)/settings/actions.ts#saveCompanyDomainsAction': ADMIN,
  'app/(app)/settings/actions.ts#saveSnapshotRetentionAction': ADMIN,
  'app/(app)/settings/actions.ts#saveGroupOwnersAction': ADMIN,
  'app/(app)/settings/actions.ts#addUserAction': ADMIN,
  'app/(app)/settings/actions.ts#setUserRoleAction': ADMIN,
  'app/(app)/snapshots/actions.ts#startSnapshotAction': ADMIN,
  'app/(app)/snapshots/actions.ts#cancelSnapshotAction': ADMIN,
  'app/(app)/stale/actions.ts#previewImportAction': ADMIN,
  'app/(app)/stale/actions.ts#commitImportAction': ADMIN,
  'app/(app)/stale/actions.ts#saveStaleThresholdsAction': ADMIN,
  'app/(app)/stale/actions.ts#deactivateStaleAccountsAction': ADMIN,
};

/** Route handlers: the file, the URL to call (ids that do not exist: nothing is read or written), the rule. */
const ROUTE_RULES: Record<string, { url: string; rule: TRule | 'own-auth' }> = {
  'app/api/auth/[...nextauth]/route.ts': { url: '/api/auth/session', rule: 'public' },
  'app/api/sim/scim/v2/[...path]/route.ts': { url: '/api/sim/scim/v2/Users', rule: 'own-auth' },
  'app/api/campaigns/[campaignId]/evidence/route.ts': { url: '/api/campaigns/999999/evidence', rule: READERS },
  'app/api/campaigns/[campaignId]/evidence/[file]/route.ts': { url: '/api/campaigns/999999/evidence/decisions.csv', rule: READERS },
  'app/api/campaigns/[campaignId]/remediation/dry-run/route.ts': { url: '/api/campaigns/999999/remediation/dry-run', rule: READERS },
  'app/api/chargeback/[snapshotId]/export/[file]/route.ts': { url: '/api/chargeback/999999/export/department.csv', rule: READERS },
  'app/api/reviews/[campaignId]/items/route.ts': { url: '/api/reviews/999999/items', rule: REVIEWERS },
  'app/api/snapshots/[snapshotId]/export/[file]/route.ts': { url: '/api/snapshots/999999/export/users.csv', rule: READERS },
  'app/api/snapshots/diff/route.ts': { url: '/api/snapshots/diff?from=999998&to=999999', rule: READERS },
  'app/api/snapshots/running/route.ts': { url: '/api/snapshots/running', rule: READERS },
  'app/api/stale/export/route.ts': { url: '/api/stale/export', rule: READERS },
};

const allows = (rule: TRule, who: TWho): boolean => (rule === 'public' ? true : rule === 'signed-in' ? who !== 'anonymous' : who !== 'anonymous' && rule.includes(who));

function filesUnder(dir: string, name: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    return statSync(path).isDirectory() ? filesUnder(path, name) : entry === name ? [relative(process.cwd(), path)] : [];
  });
}

test('every server action and route handler allows exactly the roles of its rule', async ({ baseURL }) => {
  test.setTimeout(180_000);
  const actions = builtServerActions(baseURL ?? '');

  // The code is the list: every exported action of every "use server" module is in the build, and has a rule.
  const sourceActions = filesUnder('app', 'actions.ts').flatMap((file) =>
    [...readFileSync(file, 'utf8').matchAll(/^export const (\w+) = defineAction\(/gm)].map((m) => `${file}#${m[1]}`),
  );
  expect(sourceActions.length).toBeGreaterThan(20);
  expect(actions.map((a) => a.key).sort()).toEqual([...new Set(sourceActions)].sort());
  expect(actions.map((a) => a.key).filter((key) => !(key in ACTION_RULES)), 'server actions without a rule').toEqual([]);
  const routes = filesUnder('app', 'route.ts');
  expect(routes.filter((file) => !(file in ROUTE_RULES)), 'route handlers without a rule').toEqual([]);

  const contexts = new Map<TWho, APIRequestContext>();
  for (const who of WHO) {
    const context = await requestFactory.newContext({ baseURL });
    if (who !== 'anonymous') await loginAs(context, who);
    contexts.set(who, context);
  }

  for (const action of actions) {
    const rule = ACTION_RULES[action.key] as TRule;
    if (rule === 'public') continue; // sign-in itself: nothing to protect
    for (const who of WHO) {
      // signOut would end the session this loop reuses: check it refuses anonymous callers only.
      if (rule === 'signed-in' && who !== 'anonymous') continue;
      const { result } = await callServerAction(contexts.get(who) as APIRequestContext, action, ['matrix-probe']);
      const label = `${action.key} as ${who}`;
      if (allows(rule, who)) expect(result, label).toMatchObject({ ok: false, code: 'invalid', status: 400 });
      else expect(result, label).toMatchObject({ ok: false, code: who === 'anonymous' ? 'unauthorized' : 'forbidden', status: who === 'anonymous' ? 401 : 403 });
    }
  }

  for (const [file, { url, rule }] of Object.entries(ROUTE_RULES)) {
    if (rule === 'public' || rule === 'own-auth') continue;
    for (const who of WHO) {
      const response = await (contexts.get(who) as APIRequestContext).get(url, { maxRedirects: 0 });
      const label = `${file} as ${who}: HTTP ${response.status()}`;
      if (allows(rule, who)) expect([401, 403, 500], label).not.toContain(response.status());
      else expect(response.status(), label).toBe(who === 'anonymous' ? 401 : 403);
    }
  }
  // The simulator answers only its own bearer token, never a session.
  const simulator = await (contexts.get('admin') as APIRequestContext).get(ROUTE_RULES['app/api/sim/scim/v2/[...path]/route.ts']?.url ?? '');
  expect(simulator.status()).toBe(401);
  for (const context of contexts.values()) await context.dispose();
});
