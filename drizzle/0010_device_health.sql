CREATE TABLE "device_health" (
	"device_id" text PRIMARY KEY NOT NULL,
	"reported_at" timestamp with time zone,
	"health" jsonb,
	"refused" integer DEFAULT 0 NOT NULL,
	"last_refused_at" timestamp with time zone,
	"last_refusal" text
);
