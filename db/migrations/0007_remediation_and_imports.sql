CREATE TABLE `activity_records` (
	`import_id` integer NOT NULL,
	`email` text NOT NULL,
	`last_active_at` text,
	PRIMARY KEY(`import_id`, `email`),
	FOREIGN KEY (`import_id`) REFERENCES `directory_imports`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `campaign_reconciliations` (
	`id` integer PRIMARY KEY NOT NULL,
	`campaign_id` integer NOT NULL,
	`snapshot_id` integer NOT NULL,
	`requested_by_email` text NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	`result_json` text,
	`checked_at` text,
	FOREIGN KEY (`campaign_id`) REFERENCES `campaigns`(`id`) ON UPDATE no action ON DELETE restrict,
	FOREIGN KEY (`snapshot_id`) REFERENCES `snapshots`(`id`) ON UPDATE no action ON DELETE restrict
);
--> statement-breakpoint
CREATE INDEX `campaign_reconciliations_campaign_idx` ON `campaign_reconciliations` (`campaign_id`,`id`);--> statement-breakpoint
CREATE TABLE `directory_imports` (
	`id` integer PRIMARY KEY NOT NULL,
	`kind` text NOT NULL,
	`file_name` text NOT NULL,
	`sha256` text NOT NULL,
	`byte_count` integer NOT NULL,
	`row_count` integer NOT NULL,
	`column_map_json` text NOT NULL,
	`uploaded_by_email` text NOT NULL,
	`uploaded_at` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `directory_imports_kind_idx` ON `directory_imports` (`kind`,`id`);--> statement-breakpoint
CREATE TABLE `hr_records` (
	`import_id` integer NOT NULL,
	`email` text NOT NULL,
	`employment_status` text NOT NULL,
	`termination_date` text,
	`department` text,
	`cost_center` text,
	`division` text,
	`manager_email` text,
	`name` text,
	PRIMARY KEY(`import_id`, `email`),
	FOREIGN KEY (`import_id`) REFERENCES `directory_imports`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `remediation_actions` (
	`id` integer PRIMARY KEY NOT NULL,
	`idempotency_key` text NOT NULL,
	`source` text NOT NULL,
	`campaign_id` integer,
	`item_id` integer,
	`kind` text NOT NULL,
	`user_scim_id` text NOT NULL,
	`group_scim_id` text,
	`user_email` text NOT NULL,
	`group_name` text,
	`reason` text NOT NULL,
	`request_method` text NOT NULL,
	`request_path` text NOT NULL,
	`request_body` text NOT NULL,
	`status` text DEFAULT 'pending' NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`next_attempt_at` text,
	`last_error` text,
	`response_status` integer,
	`response_body` text,
	`verify_note` text,
	`requested_by_email` text NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	`updated_at` text NOT NULL,
	`started_at` text,
	`applied_at` text,
	`verified_at` text,
	FOREIGN KEY (`campaign_id`) REFERENCES `campaigns`(`id`) ON UPDATE no action ON DELETE restrict,
	FOREIGN KEY (`item_id`) REFERENCES `review_items`(`id`) ON UPDATE no action ON DELETE restrict
);
--> statement-breakpoint
CREATE UNIQUE INDEX `remediation_actions_key_unique` ON `remediation_actions` (`idempotency_key`);--> statement-breakpoint
CREATE INDEX `remediation_actions_status_idx` ON `remediation_actions` (`status`,`next_attempt_at`,`id`);--> statement-breakpoint
CREATE INDEX `remediation_actions_campaign_idx` ON `remediation_actions` (`campaign_id`,`status`,`id`);--> statement-breakpoint
CREATE INDEX `remediation_actions_item_idx` ON `remediation_actions` (`item_id`);--> statement-breakpoint
CREATE INDEX `remediation_actions_target_idx` ON `remediation_actions` (`user_scim_id`,`group_scim_id`);--> statement-breakpoint
CREATE TABLE `remediation_runs` (
	`id` integer PRIMARY KEY NOT NULL,
	`campaign_id` integer,
	`status` text DEFAULT 'running' NOT NULL,
	`started_by_email` text NOT NULL,
	`started_at` text NOT NULL,
	`finished_at` text,
	`owner_pid` integer,
	`owner_host` text,
	`heartbeat_at` text,
	`summary_json` text,
	FOREIGN KEY (`campaign_id`) REFERENCES `campaigns`(`id`) ON UPDATE no action ON DELETE restrict
);
--> statement-breakpoint
CREATE INDEX `remediation_runs_campaign_idx` ON `remediation_runs` (`campaign_id`,`id`);--> statement-breakpoint
CREATE UNIQUE INDEX `remediation_runs_one_running` ON `remediation_runs` (`status`) WHERE status = 'running';--> statement-breakpoint
-- The outbox is evidence: the request a row was created with can never change, and no row can
-- be deleted (lib/remediation only ever moves a row's status forward).
CREATE TRIGGER `remediation_actions_request_immutable` BEFORE UPDATE OF `idempotency_key`, `source`, `campaign_id`, `item_id`, `kind`,
  `user_scim_id`, `group_scim_id`, `request_method`, `request_path`, `request_body`, `requested_by_email`, `created_at` ON `remediation_actions`
BEGIN
  SELECT RAISE(ABORT, 'a remediation request is immutable');
END;
--> statement-breakpoint
CREATE TRIGGER `remediation_actions_no_delete` BEFORE DELETE ON `remediation_actions`
BEGIN
  SELECT RAISE(ABORT, 'remediation rows are kept as evidence');
END;
--> statement-breakpoint
-- Imports are evidence of what the stale rules were based on: rows of a kept import never change.
CREATE TRIGGER `hr_records_no_update` BEFORE UPDATE ON `hr_records`
BEGIN
  SELECT RAISE(ABORT, 'imported rows are read-only');
END;
--> statement-breakpoint
CREATE TRIGGER `activity_records_no_update` BEFORE UPDATE ON `activity_records`
BEGIN
  SELECT RAISE(ABORT, 'imported rows are read-only');
END;
