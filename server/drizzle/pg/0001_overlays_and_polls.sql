CREATE TABLE "overlay_links" (
	"id" text PRIMARY KEY NOT NULL,
	"account_id" text NOT NULL,
	"connection_id" text NOT NULL,
	"label" text NOT NULL,
	"token_hash" text NOT NULL,
	"created_at" bigint NOT NULL,
	"revoked_at" bigint
);
--> statement-breakpoint
CREATE TABLE "poll_votes" (
	"poll_id" text NOT NULL,
	"viewer_id" text NOT NULL,
	"option_id" text NOT NULL,
	"created_at" bigint NOT NULL,
	CONSTRAINT "poll_votes_pk" PRIMARY KEY("poll_id","viewer_id")
);
--> statement-breakpoint
CREATE TABLE "polls" (
	"id" text PRIMARY KEY NOT NULL,
	"account_id" text NOT NULL,
	"connection_id" text NOT NULL,
	"question" text NOT NULL,
	"options" jsonb NOT NULL,
	"status" text NOT NULL,
	"duration_seconds" bigint NOT NULL,
	"created_at" bigint NOT NULL,
	"started_at" bigint,
	"ends_at" bigint,
	"ended_at" bigint,
	"end_reason" text,
	"winners" jsonb
);
--> statement-breakpoint
ALTER TABLE "overlay_links" ADD CONSTRAINT "overlay_links_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "overlay_links" ADD CONSTRAINT "overlay_links_connection_id_vtt_connections_id_fk" FOREIGN KEY ("connection_id") REFERENCES "public"."vtt_connections"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "poll_votes" ADD CONSTRAINT "poll_votes_poll_id_polls_id_fk" FOREIGN KEY ("poll_id") REFERENCES "public"."polls"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "polls" ADD CONSTRAINT "polls_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "polls" ADD CONSTRAINT "polls_connection_id_vtt_connections_id_fk" FOREIGN KEY ("connection_id") REFERENCES "public"."vtt_connections"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "overlay_links_token_hash_key" ON "overlay_links" USING btree ("token_hash");--> statement-breakpoint
CREATE INDEX "overlay_links_account_idx" ON "overlay_links" USING btree ("account_id");--> statement-breakpoint
CREATE INDEX "polls_account_idx" ON "polls" USING btree ("account_id","created_at");--> statement-breakpoint
CREATE INDEX "polls_connection_idx" ON "polls" USING btree ("connection_id","created_at");--> statement-breakpoint
CREATE INDEX "polls_running_idx" ON "polls" USING btree ("status","ends_at");