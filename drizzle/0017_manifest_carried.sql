ALTER TABLE "manifests" ADD COLUMN "carried" jsonb DEFAULT '[]'::jsonb NOT NULL;--> statement-breakpoint
-- Manifests picked up before this column: the units their pickup took (sealed, or still in the intake).
UPDATE "manifests" m SET "carried" = coalesce(
  (SELECT coalesce(convert_from(e."body", 'UTF8')::jsonb -> 'data' -> 'taken', m."unit_ids") FROM (
     SELECT "body", "idx" AS "at" FROM "ledger_entries" WHERE "manifest_id" = m."id" AND "type" = 'manifest.signed'
     UNION ALL SELECT "body", 9223372036854775807 FROM "ledger_intake" WHERE "manifest_id" = m."id" AND "type" = 'manifest.signed'
   ) e WHERE convert_from(e."body", 'UTF8')::jsonb -> 'data' ->> 'step' = 'pick_up' ORDER BY e."at" LIMIT 1),
  '[]'::jsonb);
