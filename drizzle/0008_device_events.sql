CREATE TABLE "device_events" (
	"device_id" text NOT NULL,
	"event_key" text NOT NULL,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL,
	"leaf_hash" "bytea" NOT NULL,
	CONSTRAINT "device_events_device_id_event_key_pk" PRIMARY KEY("device_id","event_key")
);
