CREATE TABLE `app_settings` (
	`key` text PRIMARY KEY NOT NULL,
	`value_json` text NOT NULL,
	`updated_by` text NOT NULL,
	`updated_at` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `snapshot_groups` (
	`snapshot_id` integer NOT NULL,
	`scim_id` text NOT NULL,
	`display_name` text NOT NULL,
	`member_count` integer DEFAULT 0 NOT NULL,
	`raw_json` text NOT NULL,
	PRIMARY KEY(`snapshot_id`, `scim_id`),
	FOREIGN KEY (`snapshot_id`) REFERENCES `snapshots`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `snapshot_groups_name_idx` ON `snapshot_groups` (`snapshot_id`,`display_name`);--> statement-breakpoint
CREATE TABLE `snapshot_memberships` (
	`snapshot_id` integer NOT NULL,
	`group_id` text NOT NULL,
	`user_id` text NOT NULL,
	`member_display` text,
	`orphan` integer DEFAULT false NOT NULL,
	PRIMARY KEY(`snapshot_id`, `group_id`, `user_id`),
	FOREIGN KEY (`snapshot_id`) REFERENCES `snapshots`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `snapshot_memberships_user_idx` ON `snapshot_memberships` (`snapshot_id`,`user_id`);--> statement-breakpoint
CREATE TABLE `snapshot_users` (
	`snapshot_id` integer NOT NULL,
	`scim_id` text NOT NULL,
	`user_name` text NOT NULL,
	`email` text NOT NULL,
	`given_name` text,
	`family_name` text,
	`display_name` text,
	`title` text,
	`active` integer NOT NULL,
	`department` text,
	`cost_center` text,
	`division` text,
	`organization` text,
	`manager_email` text,
	`manager_name` text,
	`emails_json` text NOT NULL,
	`raw_json` text NOT NULL,
	PRIMARY KEY(`snapshot_id`, `scim_id`),
	FOREIGN KEY (`snapshot_id`) REFERENCES `snapshots`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `snapshot_users_email_idx` ON `snapshot_users` (`snapshot_id`,`email`);--> statement-breakpoint
CREATE INDEX `snapshot_users_department_idx` ON `snapshot_users` (`snapshot_id`,`department`);--> statement-breakpoint
CREATE INDEX `snapshot_users_manager_idx` ON `snapshot_users` (`snapshot_id`,`manager_email`);--> statement-breakpoint
CREATE INDEX `snapshot_users_name_idx` ON `snapshot_users` (`snapshot_id`,`family_name`,`given_name`);--> statement-breakpoint
CREATE TABLE `snapshots` (
	`id` integer PRIMARY KEY NOT NULL,
	`status` text NOT NULL,
	`phase` text DEFAULT 'starting' NOT NULL,
	`started_at` text NOT NULL,
	`finished_at` text,
	`heartbeat_at` text NOT NULL,
	`owner_pid` integer NOT NULL,
	`owner_host` text NOT NULL,
	`started_by_id` text,
	`started_by_email` text NOT NULL,
	`trigger` text NOT NULL,
	`source` text NOT NULL,
	`base_url` text NOT NULL,
	`users_total` integer,
	`users_done` integer DEFAULT 0 NOT NULL,
	`groups_total` integer,
	`groups_done` integer DEFAULT 0 NOT NULL,
	`memberships_count` integer DEFAULT 0 NOT NULL,
	`orphan_memberships_count` integer DEFAULT 0 NOT NULL,
	`requests` integer DEFAULT 0 NOT NULL,
	`retries` integer DEFAULT 0 NOT NULL,
	`throttled` integer DEFAULT 0 NOT NULL,
	`rate_limit_wait_ms` integer DEFAULT 0 NOT NULL,
	`duration_ms` integer,
	`digest` text,
	`error` text,
	`cancel_requested` integer DEFAULT false NOT NULL
);
--> statement-breakpoint
CREATE INDEX `snapshots_status_idx` ON `snapshots` (`status`,`id`);--> statement-breakpoint
CREATE UNIQUE INDEX `snapshots_one_running` ON `snapshots` (`status`) WHERE status = 'running';