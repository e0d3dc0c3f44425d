CREATE TABLE `overlay_links` (
	`id` text PRIMARY KEY NOT NULL,
	`account_id` text NOT NULL,
	`connection_id` text NOT NULL,
	`label` text NOT NULL,
	`token_hash` text NOT NULL,
	`created_at` integer NOT NULL,
	`revoked_at` integer,
	FOREIGN KEY (`account_id`) REFERENCES `accounts`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`connection_id`) REFERENCES `vtt_connections`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `overlay_links_token_hash_key` ON `overlay_links` (`token_hash`);--> statement-breakpoint
CREATE INDEX `overlay_links_account_idx` ON `overlay_links` (`account_id`);--> statement-breakpoint
CREATE TABLE `poll_votes` (
	`poll_id` text NOT NULL,
	`viewer_id` text NOT NULL,
	`option_id` text NOT NULL,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`poll_id`, `viewer_id`),
	FOREIGN KEY (`poll_id`) REFERENCES `polls`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `polls` (
	`id` text PRIMARY KEY NOT NULL,
	`account_id` text NOT NULL,
	`connection_id` text NOT NULL,
	`question` text NOT NULL,
	`options` text NOT NULL,
	`status` text NOT NULL,
	`duration_seconds` integer NOT NULL,
	`created_at` integer NOT NULL,
	`started_at` integer,
	`ends_at` integer,
	`ended_at` integer,
	`end_reason` text,
	`winners` text,
	FOREIGN KEY (`account_id`) REFERENCES `accounts`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`connection_id`) REFERENCES `vtt_connections`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `polls_account_idx` ON `polls` (`account_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `polls_connection_idx` ON `polls` (`connection_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `polls_running_idx` ON `polls` (`status`,`ends_at`);