CREATE TABLE `campaigns` (
	`id` integer PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`status` text DEFAULT 'draft' NOT NULL,
	`snapshot_id` integer NOT NULL,
	`scope_json` text NOT NULL,
	`review_accounts` integer NOT NULL,
	`review_memberships` integer NOT NULL,
	`reviewer_rule` text NOT NULL,
	`fixed_reviewer_email` text,
	`fallback_reviewer_email` text NOT NULL,
	`due_at` text NOT NULL,
	`revoke_needs_justification` integer DEFAULT true NOT NULL,
	`certify_flagged_needs_comment` integer DEFAULT false NOT NULL,
	`undecided_action` text DEFAULT 'report' NOT NULL,
	`revoke_immediately` integer DEFAULT false NOT NULL,
	`attestation_statement` text NOT NULL,
	`created_by_email` text NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	`launched_at` text,
	`launched_by_email` text,
	`closed_at` text,
	`closed_by_email` text,
	`item_count` integer DEFAULT 0 NOT NULL,
	FOREIGN KEY (`snapshot_id`) REFERENCES `snapshots`(`id`) ON UPDATE no action ON DELETE restrict
);
--> statement-breakpoint
CREATE INDEX `campaigns_status_idx` ON `campaigns` (`status`);--> statement-breakpoint
CREATE INDEX `campaigns_snapshot_idx` ON `campaigns` (`snapshot_id`);--> statement-breakpoint
CREATE TABLE `group_owners` (
	`group_scim_id` text NOT NULL,
	`owner_email` text NOT NULL,
	`group_name` text NOT NULL,
	`updated_by` text NOT NULL,
	`updated_at` text NOT NULL,
	PRIMARY KEY(`group_scim_id`, `owner_email`)
);
--> statement-breakpoint
CREATE TABLE `review_item_events` (
	`id` integer PRIMARY KEY NOT NULL,
	`item_id` integer NOT NULL,
	`campaign_id` integer NOT NULL,
	`type` text NOT NULL,
	`decision_before` text,
	`decision_after` text,
	`reviewer_before` text,
	`reviewer_after` text,
	`comment` text,
	`actor_email` text NOT NULL,
	`at` text NOT NULL,
	FOREIGN KEY (`item_id`) REFERENCES `review_items`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `review_item_events_item_idx` ON `review_item_events` (`item_id`,`id`);--> statement-breakpoint
CREATE INDEX `review_item_events_campaign_idx` ON `review_item_events` (`campaign_id`,`id`);--> statement-breakpoint
CREATE TABLE `review_items` (
	`id` integer PRIMARY KEY NOT NULL,
	`campaign_id` integer NOT NULL,
	`kind` text NOT NULL,
	`user_scim_id` text NOT NULL,
	`group_scim_id` text,
	`user_email` text NOT NULL,
	`user_name` text NOT NULL,
	`user_display_name` text,
	`department` text,
	`title` text,
	`user_active` integer NOT NULL,
	`group_name` text,
	`reviewer_email` text NOT NULL,
	`original_reviewer_email` text NOT NULL,
	`reviewer_reason` text NOT NULL,
	`signals` integer DEFAULT 0 NOT NULL,
	`recommendation` text NOT NULL,
	`recommendation_reason` text NOT NULL,
	`decision` text,
	`decision_comment` text,
	`decided_at` text,
	`decided_by_email` text,
	`decided_by_rule` integer DEFAULT false NOT NULL,
	`version` integer DEFAULT 1 NOT NULL,
	FOREIGN KEY (`campaign_id`) REFERENCES `campaigns`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `review_items_reviewer_idx` ON `review_items` (`campaign_id`,`reviewer_email`,`id`);--> statement-breakpoint
CREATE INDEX `review_items_decision_idx` ON `review_items` (`campaign_id`,`decision`);--> statement-breakpoint
CREATE INDEX `review_items_user_idx` ON `review_items` (`campaign_id`,`user_scim_id`);--> statement-breakpoint
CREATE TABLE `reviewer_signoffs` (
	`campaign_id` integer NOT NULL,
	`reviewer_email` text NOT NULL,
	`statement` text NOT NULL,
	`signed_at` text NOT NULL,
	`item_count` integer NOT NULL,
	PRIMARY KEY(`campaign_id`, `reviewer_email`),
	FOREIGN KEY (`campaign_id`) REFERENCES `campaigns`(`id`) ON UPDATE no action ON DELETE cascade
);
