CREATE TABLE "accounts" (
	"id" text PRIMARY KEY NOT NULL,
	"username" text NOT NULL,
	"role" text NOT NULL,
	"password_hash" text,
	"pairing_secret" text NOT NULL,
	"created_at" bigint NOT NULL,
	CONSTRAINT "accounts_username_unique" UNIQUE("username")
);
--> statement-breakpoint
CREATE TABLE "api_tokens" (
	"id" text PRIMARY KEY NOT NULL,
	"account_id" text NOT NULL,
	"kind" text NOT NULL,
	"token_hash" text NOT NULL,
	"label" text NOT NULL,
	"created_at" bigint NOT NULL,
	"last_used_at" bigint,
	"revoked_at" bigint
);
--> statement-breakpoint
CREATE TABLE "characters" (
	"connection_id" text NOT NULL,
	"vtt_character_id" text NOT NULL,
	"data" jsonb,
	"character_ts" bigint,
	"inventory" jsonb,
	"inventory_ts" bigint,
	"deleted_ts" bigint,
	CONSTRAINT "characters_pk" PRIMARY KEY("connection_id","vtt_character_id")
);
--> statement-breakpoint
CREATE TABLE "combats" (
	"connection_id" text NOT NULL,
	"combat_id" text NOT NULL,
	"state" jsonb,
	"state_ts" bigint,
	"ended_ts" bigint,
	CONSTRAINT "combats_pk" PRIMARY KEY("connection_id","combat_id")
);
--> statement-breakpoint
CREATE TABLE "dashboard_sessions" (
	"id_hash" text PRIMARY KEY NOT NULL,
	"account_id" text NOT NULL,
	"created_at" bigint NOT NULL,
	"expires_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "dice_rolls" (
	"connection_id" text NOT NULL,
	"roll_id" text NOT NULL,
	"event_id" text NOT NULL,
	"message_id" text NOT NULL,
	"character" jsonb,
	"result" jsonb,
	"roll_type" text NOT NULL,
	"critical_kind" text NOT NULL,
	"critical_source" text,
	"critical_by_server" boolean NOT NULL,
	"visibility" text NOT NULL,
	"flavor" text,
	"timestamp" bigint NOT NULL,
	"received_at" bigint NOT NULL,
	"seq" bigint,
	CONSTRAINT "dice_rolls_pk" PRIMARY KEY("connection_id","roll_id")
);
--> statement-breakpoint
CREATE TABLE "inbound_events" (
	"connection_id" text NOT NULL,
	"event_id" text NOT NULL,
	"event_name" text NOT NULL,
	"timestamp" bigint NOT NULL,
	"received_at" bigint NOT NULL,
	"seq" bigint,
	"outcome" text NOT NULL,
	"payload" jsonb NOT NULL,
	CONSTRAINT "inbound_events_pk" PRIMARY KEY("connection_id","event_id")
);
--> statement-breakpoint
CREATE TABLE "overlay_events" (
	"connection_id" text NOT NULL,
	"seq" bigint NOT NULL,
	"event" text NOT NULL,
	"payload" jsonb,
	"created_at" bigint NOT NULL,
	CONSTRAINT "overlay_events_pk" PRIMARY KEY("connection_id","seq")
);
--> statement-breakpoint
CREATE TABLE "pairing_requests" (
	"jti" text PRIMARY KEY NOT NULL,
	"account_id" text NOT NULL,
	"connection_id" text NOT NULL,
	"algorithm" text NOT NULL,
	"key_thumbprint" text,
	"status" text NOT NULL,
	"expires_at" bigint NOT NULL,
	"created_at" bigint NOT NULL,
	"delivered_at" bigint
);
--> statement-breakpoint
CREATE TABLE "refresh_tokens" (
	"token_hash" text PRIMARY KEY NOT NULL,
	"connection_id" text NOT NULL,
	"created_at" bigint NOT NULL,
	"used_at" bigint
);
--> statement-breakpoint
CREATE TABLE "settings" (
	"key" text PRIMARY KEY NOT NULL,
	"value" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "vtt_connections" (
	"id" text PRIMARY KEY NOT NULL,
	"account_id" text NOT NULL,
	"world_id" text NOT NULL,
	"world_name" text NOT NULL,
	"system_id" text,
	"system_version" text,
	"vtt_name" text,
	"vtt_version" text,
	"module_version" text NOT NULL,
	"gm_user_id" text NOT NULL,
	"gm_name" text,
	"algorithm" text NOT NULL,
	"key_thumbprint" text,
	"public_jwk" jsonb,
	"created_at" bigint NOT NULL,
	"revoked_at" bigint,
	"revoke_reason" text,
	"last_seen_at" bigint,
	"latency_ms" double precision,
	"queued_events" bigint,
	"last_seq" bigint DEFAULT 0 NOT NULL
);
--> statement-breakpoint
ALTER TABLE "api_tokens" ADD CONSTRAINT "api_tokens_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "characters" ADD CONSTRAINT "characters_connection_id_vtt_connections_id_fk" FOREIGN KEY ("connection_id") REFERENCES "public"."vtt_connections"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "combats" ADD CONSTRAINT "combats_connection_id_vtt_connections_id_fk" FOREIGN KEY ("connection_id") REFERENCES "public"."vtt_connections"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "dashboard_sessions" ADD CONSTRAINT "dashboard_sessions_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "dice_rolls" ADD CONSTRAINT "dice_rolls_connection_id_vtt_connections_id_fk" FOREIGN KEY ("connection_id") REFERENCES "public"."vtt_connections"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "inbound_events" ADD CONSTRAINT "inbound_events_connection_id_vtt_connections_id_fk" FOREIGN KEY ("connection_id") REFERENCES "public"."vtt_connections"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "overlay_events" ADD CONSTRAINT "overlay_events_connection_id_vtt_connections_id_fk" FOREIGN KEY ("connection_id") REFERENCES "public"."vtt_connections"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "pairing_requests" ADD CONSTRAINT "pairing_requests_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "pairing_requests" ADD CONSTRAINT "pairing_requests_connection_id_vtt_connections_id_fk" FOREIGN KEY ("connection_id") REFERENCES "public"."vtt_connections"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "refresh_tokens" ADD CONSTRAINT "refresh_tokens_connection_id_vtt_connections_id_fk" FOREIGN KEY ("connection_id") REFERENCES "public"."vtt_connections"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "vtt_connections" ADD CONSTRAINT "vtt_connections_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "api_tokens_token_hash_key" ON "api_tokens" USING btree ("token_hash");--> statement-breakpoint
CREATE INDEX "api_tokens_account_idx" ON "api_tokens" USING btree ("account_id");--> statement-breakpoint
CREATE INDEX "dashboard_sessions_account_idx" ON "dashboard_sessions" USING btree ("account_id");--> statement-breakpoint
CREATE INDEX "dice_rolls_recent_idx" ON "dice_rolls" USING btree ("connection_id","timestamp");--> statement-breakpoint
CREATE INDEX "refresh_tokens_connection_idx" ON "refresh_tokens" USING btree ("connection_id");--> statement-breakpoint
CREATE INDEX "vtt_connections_account_idx" ON "vtt_connections" USING btree ("account_id");