CREATE TABLE "manifest_sequences" (
	"day" text PRIMARY KEY NOT NULL,
	"next" integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE "manifests" (
	"id" text PRIMARY KEY NOT NULL,
	"number" text NOT NULL,
	"state" text NOT NULL,
	"producer_org_id" text NOT NULL,
	"receiver_org_id" text NOT NULL,
	"legs" jsonb NOT NULL,
	"current_leg" integer NOT NULL,
	"unit_ids" jsonb NOT NULL,
	"planned_date" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"last_leaf_hash" "bytea" NOT NULL,
	"entries" integer NOT NULL,
	CONSTRAINT "manifests_number_unique" UNIQUE("number")
);
--> statement-breakpoint
CREATE INDEX "manifests_producer" ON "manifests" USING btree ("producer_org_id","state");--> statement-breakpoint
CREATE INDEX "manifests_receiver" ON "manifests" USING btree ("receiver_org_id","state");