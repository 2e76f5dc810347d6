CREATE TABLE "client_events" (
	"event_id" text PRIMARY KEY NOT NULL,
	"person_id" text NOT NULL,
	"request_hash" "bytea" NOT NULL,
	"response" jsonb NOT NULL,
	"ledger_intake_id" bigint,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "credentials" (
	"person_id" text PRIMARY KEY NOT NULL,
	"username" text NOT NULL,
	"password_hash" text NOT NULL,
	CONSTRAINT "credentials_username_unique" UNIQUE("username")
);
--> statement-breakpoint
CREATE TABLE "devices" (
	"id" text PRIMARY KEY NOT NULL,
	"org_id" text NOT NULL,
	"site_id" text,
	"kind" text NOT NULL,
	"public_jwk" jsonb,
	"record" jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "licences" (
	"id" text PRIMARY KEY NOT NULL,
	"org_id" text NOT NULL,
	"record" jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "organisations" (
	"id" text PRIMARY KEY NOT NULL,
	"uscc" text NOT NULL,
	"name" text NOT NULL,
	"kind" text NOT NULL,
	"region" text NOT NULL,
	"record" jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "people" (
	"id" text PRIMARY KEY NOT NULL,
	"org_id" text NOT NULL,
	"role" text NOT NULL,
	"name" text NOT NULL,
	"public_jwk" jsonb
);
--> statement-breakpoint
CREATE TABLE "refresh_tokens" (
	"token_hash" "bytea" PRIMARY KEY NOT NULL,
	"person_id" text NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"revoked_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "sites" (
	"id" text PRIMARY KEY NOT NULL,
	"org_id" text NOT NULL,
	"kind" text NOT NULL,
	"name" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "unit_sequences" (
	"producer_org_id" text NOT NULL,
	"day" text NOT NULL,
	"next" integer NOT NULL,
	CONSTRAINT "unit_sequences_producer_org_id_day_pk" PRIMARY KEY("producer_org_id","day")
);
--> statement-breakpoint
CREATE TABLE "units" (
	"id" text PRIMARY KEY NOT NULL,
	"hj_code" text NOT NULL,
	"epc" text,
	"grai" text,
	"producer_org_id" text NOT NULL,
	"site_id" text NOT NULL,
	"waste_code" text NOT NULL,
	"waste_category" text NOT NULL,
	"name" text NOT NULL,
	"hazards" jsonb NOT NULL,
	"physical_form" text NOT NULL,
	"container_type" text NOT NULL,
	"volume_l" integer NOT NULL,
	"components" text NOT NULL,
	"generation_date" date NOT NULL,
	"state" text NOT NULL,
	"gross_kg" numeric,
	"tare_kg" numeric,
	"net_kg" numeric,
	"storage_site_id" text,
	"storage_bay" text,
	"stored_at" timestamp with time zone,
	"registered_at" timestamp with time zone NOT NULL,
	"last_leaf_hash" "bytea" NOT NULL,
	"entries" integer NOT NULL,
	CONSTRAINT "units_hj_code_unique" UNIQUE("hj_code")
);
--> statement-breakpoint
CREATE TABLE "vehicles" (
	"plate" text PRIMARY KEY NOT NULL,
	"org_id" text NOT NULL,
	"record" jsonb NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX "units_open_epc" ON "units" USING btree ("epc") WHERE "units"."epc" IS NOT NULL AND "units"."state" <> 'disposed';--> statement-breakpoint
CREATE INDEX "units_producer" ON "units" USING btree ("producer_org_id","state");--> statement-breakpoint
CREATE INDEX "units_waste_code" ON "units" USING btree ("waste_code");