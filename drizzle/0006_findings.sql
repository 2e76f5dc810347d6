CREATE TABLE "finding_cursor" (
	"id" integer PRIMARY KEY NOT NULL,
	"next_index" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "findings" (
	"id" text PRIMARY KEY NOT NULL,
	"key" text NOT NULL,
	"code" text NOT NULL,
	"severity" text NOT NULL,
	"status" text NOT NULL,
	"subjects" jsonb NOT NULL,
	"org_ids" jsonb NOT NULL,
	"evidence" jsonb NOT NULL,
	"detail" text NOT NULL,
	"raised_at" timestamp with time zone NOT NULL,
	"resolved_at" timestamp with time zone,
	"resolved_by" text,
	"resolution" text,
	CONSTRAINT "findings_key_unique" UNIQUE("key")
);
--> statement-breakpoint
CREATE INDEX "findings_status" ON "findings" USING btree ("status","severity");