CREATE TABLE `accounts` (
	`id` text PRIMARY KEY NOT NULL,
	`username` text NOT NULL,
	`role` text NOT NULL,
	`password_hash` text,
	`pairing_secret` text NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `accounts_username_unique` ON `accounts` (`username`);--> statement-breakpoint
CREATE TABLE `api_tokens` (
	`id` text PRIMARY KEY NOT NULL,
	`account_id` text NOT NULL,
	`kind` text NOT NULL,
	`token_hash` text NOT NULL,
	`label` text NOT NULL,
	`created_at` integer NOT NULL,
	`last_used_at` integer,
	`revoked_at` integer,
	FOREIGN KEY (`account_id`) REFERENCES `accounts`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `api_tokens_token_hash_key` ON `api_tokens` (`token_hash`);--> statement-breakpoint
CREATE INDEX `api_tokens_account_idx` ON `api_tokens` (`account_id`);--> statement-breakpoint
CREATE TABLE `characters` (
	`connection_id` text NOT NULL,
	`vtt_character_id` text NOT NULL,
	`data` text,
	`character_ts` integer,
	`inventory` text,
	`inventory_ts` integer,
	`deleted_ts` integer,
	PRIMARY KEY(`connection_id`, `vtt_character_id`),
	FOREIGN KEY (`connection_id`) REFERENCES `vtt_connections`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `combats` (
	`connection_id` text NOT NULL,
	`combat_id` text NOT NULL,
	`state` text,
	`state_ts` integer,
	`ended_ts` integer,
	PRIMARY KEY(`connection_id`, `combat_id`),
	FOREIGN KEY (`connection_id`) REFERENCES `vtt_connections`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `dashboard_sessions` (
	`id_hash` text PRIMARY KEY NOT NULL,
	`account_id` text NOT NULL,
	`created_at` integer NOT NULL,
	`expires_at` integer NOT NULL,
	FOREIGN KEY (`account_id`) REFERENCES `accounts`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `dashboard_sessions_account_idx` ON `dashboard_sessions` (`account_id`);--> statement-breakpoint
CREATE TABLE `dice_rolls` (
	`connection_id` text NOT NULL,
	`roll_id` text NOT NULL,
	`event_id` text NOT NULL,
	`message_id` text NOT NULL,
	`character` text,
	`result` text,
	`roll_type` text NOT NULL,
	`critical_kind` text NOT NULL,
	`critical_source` text,
	`critical_by_server` integer NOT NULL,
	`visibility` text NOT NULL,
	`flavor` text,
	`timestamp` integer NOT NULL,
	`received_at` integer NOT NULL,
	`seq` integer,
	PRIMARY KEY(`connection_id`, `roll_id`),
	FOREIGN KEY (`connection_id`) REFERENCES `vtt_connections`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `dice_rolls_recent_idx` ON `dice_rolls` (`connection_id`,`timestamp`);--> statement-breakpoint
CREATE TABLE `inbound_events` (
	`connection_id` text NOT NULL,
	`event_id` text NOT NULL,
	`event_name` text NOT NULL,
	`timestamp` integer NOT NULL,
	`received_at` integer NOT NULL,
	`seq` integer,
	`outcome` text NOT NULL,
	`payload` text NOT NULL,
	PRIMARY KEY(`connection_id`, `event_id`),
	FOREIGN KEY (`connection_id`) REFERENCES `vtt_connections`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `overlay_events` (
	`connection_id` text NOT NULL,
	`seq` integer NOT NULL,
	`event` text NOT NULL,
	`payload` text,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`connection_id`, `seq`),
	FOREIGN KEY (`connection_id`) REFERENCES `vtt_connections`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `pairing_requests` (
	`jti` text PRIMARY KEY NOT NULL,
	`account_id` text NOT NULL,
	`connection_id` text NOT NULL,
	`algorithm` text NOT NULL,
	`key_thumbprint` text,
	`status` text NOT NULL,
	`expires_at` integer NOT NULL,
	`created_at` integer NOT NULL,
	`delivered_at` integer,
	FOREIGN KEY (`account_id`) REFERENCES `accounts`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`connection_id`) REFERENCES `vtt_connections`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `refresh_tokens` (
	`token_hash` text PRIMARY KEY NOT NULL,
	`connection_id` text NOT NULL,
	`created_at` integer NOT NULL,
	`used_at` integer,
	FOREIGN KEY (`connection_id`) REFERENCES `vtt_connections`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `refresh_tokens_connection_idx` ON `refresh_tokens` (`connection_id`);--> statement-breakpoint
CREATE TABLE `settings` (
	`key` text PRIMARY KEY NOT NULL,
	`value` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `vtt_connections` (
	`id` text PRIMARY KEY NOT NULL,
	`account_id` text NOT NULL,
	`world_id` text NOT NULL,
	`world_name` text NOT NULL,
	`system_id` text,
	`system_version` text,
	`vtt_name` text,
	`vtt_version` text,
	`module_version` text NOT NULL,
	`gm_user_id` text NOT NULL,
	`gm_name` text,
	`algorithm` text NOT NULL,
	`key_thumbprint` text,
	`public_jwk` text,
	`created_at` integer NOT NULL,
	`revoked_at` integer,
	`revoke_reason` text,
	`last_seen_at` integer,
	`latency_ms` real,
	`queued_events` integer,
	`last_seq` integer DEFAULT 0 NOT NULL,
	FOREIGN KEY (`account_id`) REFERENCES `accounts`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `vtt_connections_account_idx` ON `vtt_connections` (`account_id`);