CREATE TABLE "offline_steps" (
	"person_id" text NOT NULL,
	"event_id" text NOT NULL,
	"org_id" text NOT NULL,
	"role" text NOT NULL,
	"manifest_id" text NOT NULL,
	"kind" text NOT NULL,
	"body" jsonb NOT NULL,
	"device_at" timestamp with time zone NOT NULL,
	"received_at" timestamp with time zone NOT NULL,
	"status" text NOT NULL,
	"outcome" jsonb,
	"settled_at" timestamp with time zone,
	CONSTRAINT "offline_steps_person_id_event_id_pk" PRIMARY KEY("person_id","event_id")
);
--> statement-breakpoint
CREATE TABLE "reserved_event_ids" (
	"person_id" text NOT NULL,
	"event_id" text NOT NULL,
	"reserved_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "reserved_event_ids_person_id_event_id_pk" PRIMARY KEY("person_id","event_id")
);
--> statement-breakpoint
ALTER TABLE "manifests" ADD COLUMN "onward_of" text;--> statement-breakpoint
ALTER TABLE "manifests" ADD COLUMN "receiver_role" text DEFAULT 'operator' NOT NULL;--> statement-breakpoint
ALTER TABLE "manifests" ADD COLUMN "sent_on" jsonb DEFAULT '[]'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "manifests" ADD COLUMN "version" integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE "manifests" ADD COLUMN "correction" jsonb;--> statement-breakpoint
CREATE INDEX "offline_steps_manifest" ON "offline_steps" USING btree ("manifest_id","status");