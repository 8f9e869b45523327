import { sql } from 'drizzle-orm';
import { index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';

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
