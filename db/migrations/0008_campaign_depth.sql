CREATE TABLE `campaign_stages` (
	`campaign_id` integer NOT NULL,
	`stage` integer NOT NULL,
	`reviewer_rule` text NOT NULL,
	`fixed_reviewer_email` text,
	`due_at` text NOT NULL,
	`advance` text NOT NULL,
	`show_previous_decisions` integer NOT NULL,
	`started_at` text,
	`ended_at` text,
	`items_reviewed` integer DEFAULT 0 NOT NULL,
	`items_passed_on` integer DEFAULT 0 NOT NULL,
	PRIMARY KEY(`campaign_id`, `stage`),
	FOREIGN KEY (`campaign_id`) REFERENCES `campaigns`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `campaign_template_runs` (
	`id` integer PRIMARY KEY NOT NULL,
	`template_id` integer NOT NULL,
	`period_at` text NOT NULL,
	`status` text DEFAULT 'claimed' NOT NULL,
	`snapshot_id` integer,
	`campaign_id` integer,
	`owner_pid` integer,
	`owner_host` text,
	`heartbeat_at` text,
	`error` text,
	`started_at` text NOT NULL,
	`finished_at` text,
	FOREIGN KEY (`template_id`) REFERENCES `campaign_templates`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `campaign_template_runs_period_unique` ON `campaign_template_runs` (`template_id`,`period_at`);--> statement-breakpoint
CREATE TABLE `campaign_templates` (
	`id` integer PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`enabled` integer DEFAULT true NOT NULL,
	`cron` text NOT NULL,
	`timezone` text DEFAULT 'UTC' NOT NULL,
	`settings_json` text NOT NULL,
	`active_from` text NOT NULL,
	`created_by_email` text NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	`updated_by_email` text NOT NULL,
	`updated_at` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `notification_keys` (
	`key` text PRIMARY KEY NOT NULL,
	`notification_id` integer NOT NULL,
	FOREIGN KEY (`notification_id`) REFERENCES `notifications`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `notifications` (
	`id` integer PRIMARY KEY NOT NULL,
	`recipient_email` text NOT NULL,
	`kind` text NOT NULL,
	`campaign_id` integer,
	`subject` text NOT NULL,
	`body_text` text NOT NULL,
	`link_path` text,
	`created_at` text NOT NULL,
	`read_at` text,
	`mail_status` text DEFAULT 'pending' NOT NULL,
	`mail_attempts` integer DEFAULT 0 NOT NULL,
	`mail_next_attempt_at` text,
	`mail_last_error` text,
	`mail_sent_at` text,
	`mail_message_id` text
);
--> statement-breakpoint
CREATE INDEX `notifications_recipient_idx` ON `notifications` (`recipient_email`,`id`);--> statement-breakpoint
CREATE INDEX `notifications_mail_idx` ON `notifications` (`mail_status`,`mail_next_attempt_at`,`id`);--> statement-breakpoint
CREATE TABLE `review_item_stage_results` (
	`item_id` integer NOT NULL,
	`campaign_id` integer NOT NULL,
	`stage` integer NOT NULL,
	`reviewer_email` text NOT NULL,
	`decision` text,
	`decision_comment` text,
	`decided_at` text,
	`decided_by_email` text,
	`not_sure_comment` text,
	`passed_on` integer NOT NULL,
	PRIMARY KEY(`item_id`, `stage`),
	FOREIGN KEY (`item_id`) REFERENCES `review_items`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `review_item_stage_results_campaign_idx` ON `review_item_stage_results` (`campaign_id`,`stage`);--> statement-breakpoint
CREATE TABLE `sign_in_failures` (
	`key` text PRIMARY KEY NOT NULL,
	`failures` integer NOT NULL,
	`first_failure_at` text NOT NULL,
	`locked_until` text
);
--> statement-breakpoint
PRAGMA foreign_keys=OFF;--> statement-breakpoint
CREATE TABLE `__new_reviewer_signoffs` (
	`campaign_id` integer NOT NULL,
	`reviewer_email` text NOT NULL,
	`stage` integer DEFAULT 1 NOT NULL,
	`statement` text NOT NULL,
	`signed_at` text NOT NULL,
	`item_count` integer NOT NULL,
	PRIMARY KEY(`campaign_id`, `stage`, `reviewer_email`),
	FOREIGN KEY (`campaign_id`) REFERENCES `campaigns`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
INSERT INTO `__new_reviewer_signoffs`("campaign_id", "reviewer_email", "stage", "statement", "signed_at", "item_count") SELECT "campaign_id", "reviewer_email", 1, "statement", "signed_at", "item_count" FROM `reviewer_signoffs`;--> statement-breakpoint
DROP TABLE `reviewer_signoffs`;--> statement-breakpoint
ALTER TABLE `__new_reviewer_signoffs` RENAME TO `reviewer_signoffs`;--> statement-breakpoint
PRAGMA foreign_keys=ON;--> statement-breakpoint
ALTER TABLE `campaigns` ADD `later_stages_json` text DEFAULT '[]' NOT NULL;--> statement-breakpoint
ALTER TABLE `campaigns` ADD `current_stage` integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE `campaigns` ADD `allow_carry_over_accept` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `campaigns` ADD `template_id` integer;--> statement-breakpoint
ALTER TABLE `review_items` ADD `stage` integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE `review_items` ADD `not_sure_by_email` text;--> statement-breakpoint
ALTER TABLE `review_items` ADD `not_sure_comment` text;--> statement-breakpoint
ALTER TABLE `review_items` ADD `not_sure_at` text;--> statement-breakpoint
ALTER TABLE `review_items` ADD `awaiting_next_stage` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `review_items` ADD `carried_over_from_campaign_id` integer;--> statement-breakpoint
ALTER TABLE `review_items` ADD `excluded_reason` text;--> statement-breakpoint
ALTER TABLE `review_items` ADD `excluded_by_email` text;--> statement-breakpoint
ALTER TABLE `review_items` ADD `excluded_at` text;--> statement-breakpoint
-- Rebuilding reviewer_signoffs (stage joins its key) dropped its trigger: restore it.
CREATE TRIGGER `reviewer_signoffs_closed_no_insert` BEFORE INSERT ON `reviewer_signoffs`
WHEN (SELECT status FROM campaigns WHERE id = NEW.campaign_id) = 'closed'
BEGIN
  SELECT RAISE(ABORT, 'campaign is closed and read-only');
END;
--> statement-breakpoint
CREATE TRIGGER `campaign_stages_closed_no_update` BEFORE UPDATE ON `campaign_stages`
WHEN (SELECT status FROM campaigns WHERE id = OLD.campaign_id) = 'closed'
BEGIN
  SELECT RAISE(ABORT, 'campaign is closed and read-only');
END;
--> statement-breakpoint
-- A stage result is what a reviewer decided in a stage that ended: history, never rewritten.
CREATE TRIGGER `review_item_stage_results_no_update` BEFORE UPDATE ON `review_item_stage_results`
BEGIN
  SELECT RAISE(ABORT, 'stage results are append-only');
END;
--> statement-breakpoint
CREATE TRIGGER `review_item_stage_results_closed_no_insert` BEFORE INSERT ON `review_item_stage_results`
WHEN (SELECT status FROM campaigns WHERE id = NEW.campaign_id) = 'closed'
BEGIN
  SELECT RAISE(ABORT, 'campaign is closed and read-only');
END;
--> statement-breakpoint
-- Existing campaigns have one stage: record it as such.
INSERT INTO `campaign_stages` (`campaign_id`, `stage`, `reviewer_rule`, `fixed_reviewer_email`, `due_at`, `advance`, `show_previous_decisions`, `started_at`, `ended_at`, `items_reviewed`, `items_passed_on`)
SELECT `id`, 1, `reviewer_rule`, `fixed_reviewer_email`, `due_at`, 'all', 0, `launched_at`, `closed_at`, `item_count`, 0 FROM `campaigns` WHERE `launched_at` IS NOT NULL;
