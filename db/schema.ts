import { sql } from 'drizzle-orm';
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';

/** ISO-8601 UTC timestamps as text: sortable, readable in exports, unambiguous for auditors. */
const createdAt = () =>
  text('created_at')
    .notNull()
    .default(sql`(strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))`);

export const ROLES = ['admin', 'reviewer', 'auditor'] as const;
export type TRole = (typeof ROLES)[number];

/** People who sign in to Attest. The role lives here, not in the session, so a change applies at once. */
export const appUsers = sqliteTable(
  'app_users',
  {
    id: text('id').primaryKey(),
    email: text('email').notNull(),
    name: text('name'),
    role: text('role', { enum: ROLES }).notNull().default('reviewer'),
    createdAt: createdAt(),
    lastSignInAt: text('last_sign_in_at'),
  },
  (t) => [uniqueIndex('app_users_email_unique').on(t.email)],
);
export type TAppUser = typeof appUsers.$inferSelect;

/** The saved SCIM connection (one row). The token is AES-256-GCM ciphertext; only its last 4 characters are kept in clear. */
export const scimConnection = sqliteTable('scim_connection', {
  id: integer('id').primaryKey(),
  baseUrl: text('base_url').notNull(),
  tokenCiphertext: text('token_ciphertext').notNull(),
  tokenLast4: text('token_last4').notNull(),
  updatedBy: text('updated_by').notNull(),
  updatedAt: text('updated_at').notNull(),
});
export type TScimConnectionRow = typeof scimConnection.$inferSelect;

/**
 * Append-only, hash-chained audit log. `hash` = SHA-256 over the previous row's hash and this
 * row's canonical content; triggers in the migrations refuse UPDATE and DELETE.
 */
export const auditLog = sqliteTable(
  'audit_log',
  {
    id: integer('id').primaryKey(),
    at: text('at').notNull(),
    actorId: text('actor_id'),
    actorEmail: text('actor_email').notNull(),
    action: text('action').notNull(),
    targetType: text('target_type'),
    targetId: text('target_id'),
    details: text('details').notNull(),
    prevHash: text('prev_hash').notNull(),
    hash: text('hash').notNull(),
  },
  (t) => [index('audit_log_at_idx').on(t.at), index('audit_log_action_idx').on(t.action), index('audit_log_actor_idx').on(t.actorEmail)],
);
export type TAuditRow = typeof auditLog.$inferSelect;

export const SNAPSHOT_STATUSES = ['running', 'complete', 'failed', 'cancelled'] as const;
export type TSnapshotStatus = (typeof SNAPSHOT_STATUSES)[number];
export const SNAPSHOT_PHASES = ['starting', 'users', 'groups', 'members', 'finalizing', 'done'] as const;
export type TSnapshotPhase = (typeof SNAPSHOT_PHASES)[number];

/**
 * A point-in-time copy of the directory. Rows of a snapshot are written in batches while it is
 * `running`; every reader filters on `complete`, so a failed or interrupted snapshot is never
 * visible and its rows are removed when it is marked failed. The partial unique index lets only
 * one snapshot run at a time, across processes (the UI and `npm run snapshot`).
 */
export const snapshots = sqliteTable(
  'snapshots',
  {
    id: integer('id').primaryKey(),
    status: text('status', { enum: SNAPSHOT_STATUSES }).notNull(),
    phase: text('phase', { enum: SNAPSHOT_PHASES }).notNull().default('starting'),
    startedAt: text('started_at').notNull(),
    finishedAt: text('finished_at'),
    /** Updated while running; a running snapshot whose heartbeat stopped belongs to a dead process. */
    heartbeatAt: text('heartbeat_at').notNull(),
    /** The process running it: a running snapshot whose process is gone is failed on recovery. */
    ownerPid: integer('owner_pid').notNull(),
    ownerHost: text('owner_host').notNull(),
    startedById: text('started_by_id'),
    startedByEmail: text('started_by_email').notNull(),
    trigger: text('trigger', { enum: ['ui', 'cli', 'schedule', 'reconciliation'] }).notNull(),
    source: text('source', { enum: ['env', 'saved', 'demo'] }).notNull(),
    baseUrl: text('base_url').notNull(),
    usersTotal: integer('users_total'),
    usersDone: integer('users_done').notNull().default(0),
    groupsTotal: integer('groups_total'),
    groupsDone: integer('groups_done').notNull().default(0),
    membershipsCount: integer('memberships_count').notNull().default(0),
    orphanMembershipsCount: integer('orphan_memberships_count').notNull().default(0),
    requests: integer('requests').notNull().default(0),
    retries: integer('retries').notNull().default(0),
    throttled: integer('throttled').notNull().default(0),
    rateLimitWaitMs: integer('rate_limit_wait_ms').notNull().default(0),
    durationMs: integer('duration_ms'),
    digest: text('digest'),
    error: text('error'),
    cancelRequested: integer('cancel_requested', { mode: 'boolean' }).notNull().default(false),
  },
  (t) => [
    index('snapshots_status_idx').on(t.status, t.id),
    uniqueIndex('snapshots_one_running').on(t.status).where(sql`status = 'running'`),
  ],
);
export type TSnapshot = typeof snapshots.$inferSelect;

/** Every user of a snapshot, with the SCIM fields we get and the raw resource as evidence. */
export const snapshotUsers = sqliteTable(
  'snapshot_users',
  {
    snapshotId: integer('snapshot_id')
      .notNull()
      .references(() => snapshots.id, { onDelete: 'cascade' }),
    scimId: text('scim_id').notNull(),
    userName: text('user_name').notNull(),
    /** Primary email, lowercased: how reviewers and HR rosters are matched. */
    email: text('email').notNull(),
    givenName: text('given_name'),
    familyName: text('family_name'),
    displayName: text('display_name'),
    title: text('title'),
    active: integer('active', { mode: 'boolean' }).notNull(),
    department: text('department'),
    costCenter: text('cost_center'),
    division: text('division'),
    organization: text('organization'),
    managerEmail: text('manager_email'),
    managerName: text('manager_name'),
    emailsJson: text('emails_json').notNull(),
    rawJson: text('raw_json').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.snapshotId, t.scimId] }),
    index('snapshot_users_email_idx').on(t.snapshotId, t.email),
    index('snapshot_users_department_idx').on(t.snapshotId, t.department),
    index('snapshot_users_manager_idx').on(t.snapshotId, t.managerEmail),
    index('snapshot_users_name_idx').on(t.snapshotId, t.familyName, t.givenName),
  ],
);
export type TSnapshotUser = typeof snapshotUsers.$inferSelect;

export const snapshotGroups = sqliteTable(
  'snapshot_groups',
  {
    snapshotId: integer('snapshot_id')
      .notNull()
      .references(() => snapshots.id, { onDelete: 'cascade' }),
    scimId: text('scim_id').notNull(),
    displayName: text('display_name').notNull(),
    memberCount: integer('member_count').notNull().default(0),
    rawJson: text('raw_json').notNull(),
  },
  (t) => [primaryKey({ columns: [t.snapshotId, t.scimId] }), index('snapshot_groups_name_idx').on(t.snapshotId, t.displayName)],
);
export type TSnapshotGroup = typeof snapshotGroups.$inferSelect;

/**
 * Group memberships of a snapshot. `orphan` marks a member id that is not in the snapshot's
 * user list (kept and flagged, never dropped: it is evidence of an inconsistent directory).
 */
export const snapshotMemberships = sqliteTable(
  'snapshot_memberships',
  {
    snapshotId: integer('snapshot_id')
      .notNull()
      .references(() => snapshots.id, { onDelete: 'cascade' }),
    groupId: text('group_id').notNull(),
    userId: text('user_id').notNull(),
    memberDisplay: text('member_display'),
    orphan: integer('orphan', { mode: 'boolean' }).notNull().default(false),
  },
  (t) => [
    primaryKey({ columns: [t.snapshotId, t.groupId, t.userId] }),
    index('snapshot_memberships_user_idx').on(t.snapshotId, t.userId),
    // Orphans are rare: a partial index makes "orphans only" and their counts instant (lib/snapshot).
    index('snapshot_memberships_orphan_idx').on(t.snapshotId, t.groupId, t.userId).where(sql`orphan = 1`),
  ],
);
export type TSnapshotMembership = typeof snapshotMemberships.$inferSelect;

/** Settings that are not secrets, one JSON value per key (e.g. snapshot retention). */
export const appSettings = sqliteTable('app_settings', {
  key: text('key').primaryKey(),
  valueJson: text('value_json').notNull(),
  updatedBy: text('updated_by').notNull(),
  updatedAt: text('updated_at').notNull(),
});

// ─── Review campaigns ────────────────────────────────────────────────────────────────────────

export const CAMPAIGN_STATUSES = ['draft', 'active', 'closed'] as const;
export type TCampaignStatus = (typeof CAMPAIGN_STATUSES)[number];
export const REVIEWER_RULES = ['manager', 'group_owner', 'fixed'] as const;
export type TReviewerRule = (typeof REVIEWER_RULES)[number];
export const UNDECIDED_ACTIONS = ['report', 'revoke'] as const;
export type TUndecidedAction = (typeof UNDECIDED_ACTIONS)[number];
export const ITEM_KINDS = ['account', 'membership'] as const;
export type TItemKind = (typeof ITEM_KINDS)[number];
export const DECISIONS = ['certify', 'revoke'] as const;
export type TDecision = (typeof DECISIONS)[number];
export const RECOMMENDATIONS = ['certify', 'revoke', 'review'] as const;
export type TRecommendation = (typeof RECOMMENDATIONS)[number];

/**
 * A certification of one frozen snapshot. `scopeJson` holds the validated scope (kind, group
 * ids, department / cost-center / division filters, includeInactive); parameters are fixed at
 * launch and a closed campaign is read-only (enforced in lib/review and by triggers).
 */
export const campaigns = sqliteTable(
  'campaigns',
  {
    id: integer('id').primaryKey(),
    name: text('name').notNull(),
    status: text('status', { enum: CAMPAIGN_STATUSES }).notNull().default('draft'),
    snapshotId: integer('snapshot_id')
      .notNull()
      .references(() => snapshots.id, { onDelete: 'restrict' }),
    scopeJson: text('scope_json').notNull(),
    reviewAccounts: integer('review_accounts', { mode: 'boolean' }).notNull(),
    reviewMemberships: integer('review_memberships', { mode: 'boolean' }).notNull(),
    reviewerRule: text('reviewer_rule', { enum: REVIEWER_RULES }).notNull(),
    fixedReviewerEmail: text('fixed_reviewer_email'),
    fallbackReviewerEmail: text('fallback_reviewer_email').notNull(),
    dueAt: text('due_at').notNull(),
    revokeNeedsJustification: integer('revoke_needs_justification', { mode: 'boolean' }).notNull().default(true),
    certifyFlaggedNeedsComment: integer('certify_flagged_needs_comment', { mode: 'boolean' }).notNull().default(false),
    undecidedAction: text('undecided_action', { enum: UNDECIDED_ACTIONS }).notNull().default('report'),
    revokeImmediately: integer('revoke_immediately', { mode: 'boolean' }).notNull().default(false),
    attestationStatement: text('attestation_statement').notNull(),
    createdByEmail: text('created_by_email').notNull(),
    createdAt: createdAt(),
    launchedAt: text('launched_at'),
    launchedByEmail: text('launched_by_email'),
    closedAt: text('closed_at'),
    closedByEmail: text('closed_by_email'),
    itemCount: integer('item_count').notNull().default(0),
    /**
     * Stages after the first (0–2 entries, validated JSON: reviewer rule, due date, which items go
     * on, whether earlier decisions are shown). Stage 1 is the campaign's own rule and due date.
     */
    laterStagesJson: text('later_stages_json').notNull().default('[]'),
    /** The stage under review; `dueAt` is always this stage's due date. */
    currentStage: integer('current_stage').notNull().default(1),
    /** Reviewers may accept every carried-over certification in one reviewed step. */
    allowCarryOverAccept: integer('allow_carry_over_accept', { mode: 'boolean' }).notNull().default(false),
    /** The recurring template that launched it (null: created by hand). */
    templateId: integer('template_id'),
  },
  (t) => [index('campaigns_status_idx').on(t.status), index('campaigns_snapshot_idx').on(t.snapshotId)],
);
export type TCampaign = typeof campaigns.$inferSelect;

/** Who owns a group, for the "group owner" reviewer rule; keyed by SCIM group id (stable across snapshots). */
export const groupOwners = sqliteTable(
  'group_owners',
  {
    groupScimId: text('group_scim_id').notNull(),
    ownerEmail: text('owner_email').notNull(),
    groupName: text('group_name').notNull(),
    updatedBy: text('updated_by').notNull(),
    updatedAt: text('updated_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.groupScimId, t.ownerEmail] })],
);

/**
 * One access to certify. User and group fields are copied from the frozen snapshot so the grid
 * reads one table. `signals` is a bit set (see lib/review/signals.ts) so filters stay indexed
 * arithmetic; `version` increments on every change (optimistic concurrency for decisions).
 */
export const reviewItems = sqliteTable(
  'review_items',
  {
    id: integer('id').primaryKey(),
    campaignId: integer('campaign_id')
      .notNull()
      .references(() => campaigns.id, { onDelete: 'cascade' }),
    kind: text('kind', { enum: ITEM_KINDS }).notNull(),
    userScimId: text('user_scim_id').notNull(),
    groupScimId: text('group_scim_id'),
    userEmail: text('user_email').notNull(),
    userName: text('user_name').notNull(),
    userDisplayName: text('user_display_name'),
    department: text('department'),
    title: text('title'),
    userActive: integer('user_active', { mode: 'boolean' }).notNull(),
    groupName: text('group_name'),
    reviewerEmail: text('reviewer_email').notNull(),
    originalReviewerEmail: text('original_reviewer_email').notNull(),
    /** Why this reviewer: 'manager', 'group_owner', 'fixed', 'fallback_no_reviewer', 'fallback_self_review', 'reassigned'. */
    reviewerReason: text('reviewer_reason').notNull(),
    signals: integer('signals').notNull().default(0),
    recommendation: text('recommendation', { enum: RECOMMENDATIONS }).notNull(),
    recommendationReason: text('recommendation_reason').notNull(),
    decision: text('decision', { enum: DECISIONS }),
    decisionComment: text('decision_comment'),
    decidedAt: text('decided_at'),
    decidedByEmail: text('decided_by_email'),
    /** Set when the close applied the undecided-items rule rather than a person. */
    decidedByRule: integer('decided_by_rule', { mode: 'boolean' }).notNull().default(false),
    version: integer('version').notNull().default(1),
    /** The stage the item is at (or ended at: the decision on the row is always the final one so far). */
    stage: integer('stage').notNull().default(1),
    /** "Not sure": the reviewer passed the item on (to the next stage or the fallback) with this comment. */
    notSureByEmail: text('not_sure_by_email'),
    notSureComment: text('not_sure_comment'),
    notSureAt: text('not_sure_at'),
    /** Passed on as "not sure" to the next stage, which has not started yet: done for this stage's reviewer. */
    awaitingNextStage: integer('awaiting_next_stage', { mode: 'boolean' }).notNull().default(false),
    /** Certified in this earlier campaign and unchanged since (same access, same attributes). */
    carriedOverFromCampaignId: integer('carried_over_from_campaign_id'),
    /** Taken out of the review by an admin, with the reason (listed in the evidence, never remediated). */
    excludedReason: text('excluded_reason'),
    excludedByEmail: text('excluded_by_email'),
    excludedAt: text('excluded_at'),
  },
  (t) => [
    index('review_items_reviewer_idx').on(t.campaignId, t.reviewerEmail, t.id),
    index('review_items_decision_idx').on(t.campaignId, t.decision),
    index('review_items_user_idx').on(t.campaignId, t.userScimId),
    // Grid and progress (docs/decisions/006-review-campaigns.md): counts per reviewer and decision
    // without touching rows, and the default sort (by person) read in index order; `decision` at
    // the end lets the "undecided" filter be evaluated from the index while skipping to a deep page.
    index('review_items_reviewer_decision_idx').on(t.campaignId, t.reviewerEmail, t.decision),
    index('review_items_reviewer_sort_user_idx').on(t.campaignId, t.reviewerEmail, t.userDisplayName, t.id, t.decision),
    index('review_items_sort_user_idx').on(t.campaignId, t.userDisplayName, t.id, t.decision),
    // Few items are ever excluded: "does this campaign exclude anything" must not scan its items.
    index('review_items_excluded_idx').on(t.campaignId).where(sql`excluded_reason IS NOT NULL`),
  ],
);
export type TReviewItem = typeof reviewItems.$inferSelect;

/** Every decision, undo and reassignment of an item, in order: nothing a reviewer did is lost. */
export const reviewItemEvents = sqliteTable(
  'review_item_events',
  {
    id: integer('id').primaryKey(),
    itemId: integer('item_id')
      .notNull()
      .references(() => reviewItems.id, { onDelete: 'cascade' }),
    campaignId: integer('campaign_id').notNull(),
    type: text('type', { enum: ['decision', 'undo', 'reassign', 'close_rule', 'not_sure', 'stage_advanced', 'excluded'] }).notNull(),
    decisionBefore: text('decision_before'),
    decisionAfter: text('decision_after'),
    reviewerBefore: text('reviewer_before'),
    reviewerAfter: text('reviewer_after'),
    comment: text('comment'),
    actorEmail: text('actor_email').notNull(),
    at: text('at').notNull(),
  },
  (t) => [index('review_item_events_item_idx').on(t.itemId, t.id), index('review_item_events_campaign_idx').on(t.campaignId, t.id)],
);

/** A reviewer's attestation that their queue of one stage is complete; their decisions of that stage lock with it. */
export const reviewerSignoffs = sqliteTable(
  'reviewer_signoffs',
  {
    campaignId: integer('campaign_id')
      .notNull()
      .references(() => campaigns.id, { onDelete: 'cascade' }),
    reviewerEmail: text('reviewer_email').notNull(),
    stage: integer('stage').notNull().default(1),
    statement: text('statement').notNull(),
    signedAt: text('signed_at').notNull(),
    itemCount: integer('item_count').notNull(),
  },
  (t) => [primaryKey({ columns: [t.campaignId, t.stage, t.reviewerEmail] })],
);

export const STAGE_ADVANCE_RULES = ['all', 'revoked', 'certified'] as const;
export type TStageAdvanceRule = (typeof STAGE_ADVANCE_RULES)[number];

/**
 * The stages of a launched campaign as they ran: the rule and due date each stage had, when it
 * started and ended, and how many items it reviewed and passed on. Written at launch (every
 * stage, later ones not started) and at each advance.
 */
export const campaignStages = sqliteTable(
  'campaign_stages',
  {
    campaignId: integer('campaign_id')
      .notNull()
      .references(() => campaigns.id, { onDelete: 'cascade' }),
    stage: integer('stage').notNull(),
    reviewerRule: text('reviewer_rule', { enum: REVIEWER_RULES }).notNull(),
    fixedReviewerEmail: text('fixed_reviewer_email'),
    dueAt: text('due_at').notNull(),
    /** Which decided items of the previous stage come to this one (stage 1: 'all'). */
    advance: text('advance', { enum: STAGE_ADVANCE_RULES }).notNull(),
    showPreviousDecisions: integer('show_previous_decisions', { mode: 'boolean' }).notNull(),
    startedAt: text('started_at'),
    endedAt: text('ended_at'),
    itemsReviewed: integer('items_reviewed').notNull().default(0),
    itemsPassedOn: integer('items_passed_on').notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.campaignId, t.stage] })],
);
export type TCampaignStage = typeof campaignStages.$inferSelect;

/** Each item's result in a stage that has ended: the decision of stage N before stage N+1 took it over. */
export const reviewItemStageResults = sqliteTable(
  'review_item_stage_results',
  {
    itemId: integer('item_id')
      .notNull()
      .references(() => reviewItems.id, { onDelete: 'cascade' }),
    campaignId: integer('campaign_id').notNull(),
    stage: integer('stage').notNull(),
    reviewerEmail: text('reviewer_email').notNull(),
    decision: text('decision', { enum: DECISIONS }),
    decisionComment: text('decision_comment'),
    decidedAt: text('decided_at'),
    decidedByEmail: text('decided_by_email'),
    notSureComment: text('not_sure_comment'),
    /** The item went on to the next stage. */
    passedOn: integer('passed_on', { mode: 'boolean' }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.itemId, t.stage] }), index('review_item_stage_results_campaign_idx').on(t.campaignId, t.stage)],
);
export type TReviewItemStageResult = typeof reviewItemStageResults.$inferSelect;

// ─── Remediation ─────────────────────────────────────────────────────────────────────────────

export const REMEDIATION_KINDS = ['deactivate_user', 'remove_membership'] as const;
export type TRemediationKind = (typeof REMEDIATION_KINDS)[number];
export const REMEDIATION_STATUSES = ['pending', 'in_flight', 'applied', 'verified', 'failed'] as const;
export type TRemediationStatus = (typeof REMEDIATION_STATUSES)[number];
export const REMEDIATION_SOURCES = ['campaign', 'stale'] as const;
export type TRemediationSource = (typeof REMEDIATION_SOURCES)[number];

/**
 * The remediation outbox: one row per access to remove in Airtable. The exact SCIM request is
 * fixed when the row is written (`idempotencyKey` makes enqueueing repeatable), so a retry or a
 * resumed worker can only ever send that same request. The server's answers are kept as evidence.
 */
export const remediationActions = sqliteTable(
  'remediation_actions',
  {
    id: integer('id').primaryKey(),
    /** `campaign:<id>:item:<id>` or `stale:<batch>:user:<scimId>`: one row per revoke, ever. */
    idempotencyKey: text('idempotency_key').notNull(),
    source: text('source', { enum: REMEDIATION_SOURCES }).notNull(),
    campaignId: integer('campaign_id').references(() => campaigns.id, { onDelete: 'restrict' }),
    itemId: integer('item_id').references(() => reviewItems.id, { onDelete: 'restrict' }),
    kind: text('kind', { enum: REMEDIATION_KINDS }).notNull(),
    userScimId: text('user_scim_id').notNull(),
    groupScimId: text('group_scim_id'),
    userEmail: text('user_email').notNull(),
    groupName: text('group_name'),
    /** Why: the reviewer's justification, the close rule, or the stale-account justification. */
    reason: text('reason').notNull(),
    requestMethod: text('request_method').notNull(),
    requestPath: text('request_path').notNull(),
    requestBody: text('request_body').notNull(),
    status: text('status', { enum: REMEDIATION_STATUSES }).notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: text('next_attempt_at'),
    lastError: text('last_error'),
    responseStatus: integer('response_status'),
    responseBody: text('response_body'),
    /** What the verifying GET found, in words ("user inactive", "already inactive", "user deleted"). */
    verifyNote: text('verify_note'),
    requestedByEmail: text('requested_by_email').notNull(),
    createdAt: createdAt(),
    updatedAt: text('updated_at').notNull(),
    startedAt: text('started_at'),
    appliedAt: text('applied_at'),
    verifiedAt: text('verified_at'),
  },
  (t) => [
    uniqueIndex('remediation_actions_key_unique').on(t.idempotencyKey),
    index('remediation_actions_status_idx').on(t.status, t.nextAttemptAt, t.id),
    index('remediation_actions_campaign_idx').on(t.campaignId, t.status, t.id),
    index('remediation_actions_item_idx').on(t.itemId),
    index('remediation_actions_target_idx').on(t.userScimId, t.groupScimId),
  ],
);
export type TRemediationAction = typeof remediationActions.$inferSelect;

export const REMEDIATION_RUN_STATUSES = ['running', 'finished', 'interrupted'] as const;
export type TRemediationRunStatus = (typeof REMEDIATION_RUN_STATUSES)[number];

/** One drain of the outbox by a worker. At most one runs at a time (the token's rate limit is shared). */
export const remediationRuns = sqliteTable(
  'remediation_runs',
  {
    id: integer('id').primaryKey(),
    /** The campaign the run was started for; null for "everything pending". */
    campaignId: integer('campaign_id').references(() => campaigns.id, { onDelete: 'restrict' }),
    status: text('status', { enum: REMEDIATION_RUN_STATUSES }).notNull().default('running'),
    startedByEmail: text('started_by_email').notNull(),
    startedAt: text('started_at').notNull(),
    finishedAt: text('finished_at'),
    ownerPid: integer('owner_pid'),
    ownerHost: text('owner_host'),
    heartbeatAt: text('heartbeat_at'),
    summaryJson: text('summary_json'),
  },
  (t) => [
    index('remediation_runs_campaign_idx').on(t.campaignId, t.id),
    uniqueIndex('remediation_runs_one_running').on(t.status).where(sql`status = 'running'`),
  ],
);
export type TRemediationRun = typeof remediationRuns.$inferSelect;

/**
 * After remediation, a fresh snapshot is compared with the campaign's decisions: every revoked
 * access must be gone and nothing else must have changed unexpectedly.
 */
export const campaignReconciliations = sqliteTable(
  'campaign_reconciliations',
  {
    id: integer('id').primaryKey(),
    campaignId: integer('campaign_id')
      .notNull()
      .references(() => campaigns.id, { onDelete: 'restrict' }),
    snapshotId: integer('snapshot_id')
      .notNull()
      .references(() => snapshots.id, { onDelete: 'restrict' }),
    requestedByEmail: text('requested_by_email').notNull(),
    createdAt: createdAt(),
    /** Counts and findings (JSON); null until the snapshot completed and the check ran. */
    resultJson: text('result_json'),
    checkedAt: text('checked_at'),
  },
  (t) => [index('campaign_reconciliations_campaign_idx').on(t.campaignId, t.id)],
);
export type TCampaignReconciliation = typeof campaignReconciliations.$inferSelect;

// ─── HR roster and activity imports ─────────────────────────────────────────────────────────

export const IMPORT_KINDS = ['hr', 'activity'] as const;
export type TImportKind = (typeof IMPORT_KINDS)[number];
export const EMPLOYMENT_STATUSES = ['active', 'terminated', 'leave'] as const;
export type TEmploymentStatus = (typeof EMPLOYMENT_STATUSES)[number];

/** One uploaded file, kept as evidence of what the stale rules were based on. The newest of a kind is current. */
export const directoryImports = sqliteTable(
  'directory_imports',
  {
    id: integer('id').primaryKey(),
    kind: text('kind', { enum: IMPORT_KINDS }).notNull(),
    fileName: text('file_name').notNull(),
    sha256: text('sha256').notNull(),
    byteCount: integer('byte_count').notNull(),
    rowCount: integer('row_count').notNull(),
    /** Header in the file → field it was mapped to. */
    columnMapJson: text('column_map_json').notNull(),
    uploadedByEmail: text('uploaded_by_email').notNull(),
    uploadedAt: text('uploaded_at').notNull(),
  },
  (t) => [index('directory_imports_kind_idx').on(t.kind, t.id)],
);
export type TDirectoryImport = typeof directoryImports.$inferSelect;

/** The HR roster of one import, one row per (lowercased) email. */
export const hrRecords = sqliteTable(
  'hr_records',
  {
    importId: integer('import_id')
      .notNull()
      .references(() => directoryImports.id, { onDelete: 'cascade' }),
    email: text('email').notNull(),
    employmentStatus: text('employment_status', { enum: EMPLOYMENT_STATUSES }).notNull(),
    terminationDate: text('termination_date'),
    department: text('department'),
    costCenter: text('cost_center'),
    division: text('division'),
    managerEmail: text('manager_email'),
    name: text('name'),
  },
  (t) => [primaryKey({ columns: [t.importId, t.email] })],
);
export type THrRecord = typeof hrRecords.$inferSelect;

/** Last activity per (lowercased) email from one import (Airtable admin export, SSO sign-in report…). */
export const activityRecords = sqliteTable(
  'activity_records',
  {
    importId: integer('import_id')
      .notNull()
      .references(() => directoryImports.id, { onDelete: 'cascade' }),
    email: text('email').notNull(),
    lastActiveAt: text('last_active_at'),
  },
  (t) => [primaryKey({ columns: [t.importId, t.email] })],
);
export type TActivityRecord = typeof activityRecords.$inferSelect;

// ─── Recurring campaigns ─────────────────────────────────────────────────────────────────────

/**
 * A recurring campaign: what to review (scope, rules, options as validated JSON) and when (a cron
 * expression; quarterly by default). Periods at or before `activeFrom` are never launched.
 */
export const campaignTemplates = sqliteTable('campaign_templates', {
  id: integer('id').primaryKey(),
  name: text('name').notNull(),
  enabled: integer('enabled', { mode: 'boolean' }).notNull().default(true),
  cron: text('cron').notNull(),
  timezone: text('timezone').notNull().default('UTC'),
  /** Scope, reviewer rules, durations in days, stages, options (lib/schedule/schemas.ts). */
  settingsJson: text('settings_json').notNull(),
  activeFrom: text('active_from').notNull(),
  createdByEmail: text('created_by_email').notNull(),
  createdAt: createdAt(),
  updatedByEmail: text('updated_by_email').notNull(),
  updatedAt: text('updated_at').notNull(),
});
export type TCampaignTemplate = typeof campaignTemplates.$inferSelect;

export const TEMPLATE_RUN_STATUSES = ['claimed', 'snapshot_taken', 'draft_created', 'launched', 'failed'] as const;
export type TTemplateRunStatus = (typeof TEMPLATE_RUN_STATUSES)[number];

/** One scheduled period of a template. UNIQUE (template, period) is what makes a double launch impossible. */
export const campaignTemplateRuns = sqliteTable(
  'campaign_template_runs',
  {
    id: integer('id').primaryKey(),
    templateId: integer('template_id')
      .notNull()
      .references(() => campaignTemplates.id, { onDelete: 'cascade' }),
    /** The scheduled instant this run is for (ISO UTC). */
    periodAt: text('period_at').notNull(),
    status: text('status', { enum: TEMPLATE_RUN_STATUSES }).notNull().default('claimed'),
    snapshotId: integer('snapshot_id'),
    campaignId: integer('campaign_id'),
    ownerPid: integer('owner_pid'),
    ownerHost: text('owner_host'),
    heartbeatAt: text('heartbeat_at'),
    error: text('error'),
    startedAt: text('started_at').notNull(),
    finishedAt: text('finished_at'),
  },
  (t) => [uniqueIndex('campaign_template_runs_period_unique').on(t.templateId, t.periodAt)],
);
export type TCampaignTemplateRun = typeof campaignTemplateRuns.$inferSelect;

// ─── Notifications ───────────────────────────────────────────────────────────────────────────

export const NOTIFICATION_KINDS = ['launch', 'stage_started', 'reminder', 'overdue', 'escalation', 'digest'] as const;
export type TNotificationKind = (typeof NOTIFICATION_KINDS)[number];
/** `skipped`: no longer applied when its turn came (the reviewer signed off, the stage or campaign ended). */
export const MAIL_STATUSES = ['pending', 'sent', 'failed', 'skipped', 'not_configured'] as const;
export type TMailStatus = (typeof MAIL_STATUSES)[number];

/**
 * One message to one person: shown in the app, and mailed through SMTP when configured (an
 * outbox: written in the transaction that caused it, sent after commit).
 */
export const notifications = sqliteTable(
  'notifications',
  {
    id: integer('id').primaryKey(),
    recipientEmail: text('recipient_email').notNull(),
    kind: text('kind', { enum: NOTIFICATION_KINDS }).notNull(),
    campaignId: integer('campaign_id'),
    subject: text('subject').notNull(),
    bodyText: text('body_text').notNull(),
    /** Path inside Attest the message points at (the mail makes it absolute). */
    linkPath: text('link_path'),
    createdAt: text('created_at').notNull(),
    readAt: text('read_at'),
    mailStatus: text('mail_status', { enum: MAIL_STATUSES }).notNull().default('pending'),
    mailAttempts: integer('mail_attempts').notNull().default(0),
    mailNextAttemptAt: text('mail_next_attempt_at'),
    mailLastError: text('mail_last_error'),
    mailSentAt: text('mail_sent_at'),
    mailMessageId: text('mail_message_id'),
  },
  (t) => [
    index('notifications_recipient_idx').on(t.recipientEmail, t.id),
    index('notifications_mail_idx').on(t.mailStatus, t.mailNextAttemptAt, t.id),
  ],
);
export type TNotification = typeof notifications.$inferSelect;

/** What each notification covered ("reminder, campaign 4, stage 1, morgan, 3 days before"): never sent twice. */
export const notificationKeys = sqliteTable('notification_keys', {
  key: text('key').primaryKey(),
  notificationId: integer('notification_id')
    .notNull()
    .references(() => notifications.id, { onDelete: 'cascade' }),
});

// ─── Sign-in throttling ──────────────────────────────────────────────────────────────────────

/** Failed sign-ins per key (the attempted account, and the client address when a proxy is trusted). */
export const signInFailures = sqliteTable('sign_in_failures', {
  key: text('key').primaryKey(),
  failures: integer('failures').notNull(),
  firstFailureAt: text('first_failure_at').notNull(),
  lockedUntil: text('locked_until'),
});
