-- Client event ids are unique per person, not across everyone.
ALTER TABLE "client_events" DROP CONSTRAINT "client_events_pkey";--> statement-breakpoint
ALTER TABLE "client_events" ADD CONSTRAINT "client_events_person_id_event_id_pk" PRIMARY KEY("person_id","event_id");
