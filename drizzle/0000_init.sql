CREATE TABLE "ledger_checkpoints" (
	"size" bigint PRIMARY KEY NOT NULL,
	"note" text NOT NULL,
	"signed_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "ledger_entries" (
	"idx" bigint PRIMARY KEY NOT NULL,
	"body" "bytea" NOT NULL,
	"leaf_hash" "bytea" NOT NULL,
	"type" text NOT NULL,
	"unit_id" text,
	"manifest_id" text,
	"sealed_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "ledger_head" (
	"id" smallint PRIMARY KEY NOT NULL,
	"size" bigint NOT NULL,
	"root" "bytea" NOT NULL,
	"compact_range" "bytea" NOT NULL,
	"checkpoint" text NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "ledger_head_single_row" CHECK ("ledger_head"."id" = 0)
);
--> statement-breakpoint
CREATE TABLE "ledger_intake" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"body" "bytea" NOT NULL,
	"leaf_hash" "bytea" NOT NULL,
	"type" text NOT NULL,
	"unit_id" text,
	"manifest_id" text,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "ledger_tiles" (
	"height" smallint NOT NULL,
	"idx" bigint NOT NULL,
	"hashes" "bytea" NOT NULL,
	CONSTRAINT "ledger_tiles_height_idx_pk" PRIMARY KEY("height","idx")
);
--> statement-breakpoint
CREATE INDEX "ledger_entries_unit" ON "ledger_entries" USING btree ("unit_id");--> statement-breakpoint
CREATE INDEX "ledger_entries_manifest" ON "ledger_entries" USING btree ("manifest_id");