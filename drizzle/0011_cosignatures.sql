CREATE TABLE "checkpoint_cosignatures" (
	"witness" text NOT NULL,
	"key_id" text NOT NULL,
	"size" bigint NOT NULL,
	"timestamp" bigint NOT NULL,
	"line" text NOT NULL,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "checkpoint_cosignatures_witness_key_id_size_pk" PRIMARY KEY("witness","key_id","size")
);
--> statement-breakpoint
CREATE INDEX "checkpoint_cosignatures_size" ON "checkpoint_cosignatures" USING btree ("size");