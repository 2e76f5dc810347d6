CREATE SEQUENCE "public"."session_versions" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1;--> statement-breakpoint
ALTER TABLE "credentials" ADD COLUMN "session_version" bigint DEFAULT nextval('session_versions') NOT NULL;--> statement-breakpoint
ALTER TABLE "refresh_tokens" ADD COLUMN "rotated_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "refresh_tokens" ADD COLUMN "session_version" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
CREATE INDEX "refresh_tokens_person" ON "refresh_tokens" USING btree ("person_id");--> statement-breakpoint
UPDATE "refresh_tokens" r SET "session_version" = c."session_version" FROM "credentials" c WHERE c."person_id" = r."person_id";
