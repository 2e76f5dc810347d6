-- The ledger is append-only in the database too, on PostgreSQL and PGlite alike.
-- A DBA can still disable these triggers; `hazledger verify` is what catches that.
CREATE FUNCTION ledger_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'ledger table % is append-only: % refused', TG_TABLE_NAME, TG_OP
    USING ERRCODE = 'insufficient_privilege';
END $$;
--> statement-breakpoint
CREATE FUNCTION ledger_tiles_grow_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.height <> OLD.height OR NEW.idx <> OLD.idx
     OR length(OLD.hashes) >= 8192
     OR length(NEW.hashes) <= length(OLD.hashes)
     OR substring(NEW.hashes FROM 1 FOR length(OLD.hashes)) <> OLD.hashes THEN
    RAISE EXCEPTION 'ledger tile (%, %) may only grow until full', OLD.height, OLD.idx
      USING ERRCODE = 'insufficient_privilege';
  END IF;
  RETURN NEW;
END $$;
--> statement-breakpoint
CREATE FUNCTION ledger_head_forward_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.size < OLD.size OR NEW.id <> OLD.id THEN
    RAISE EXCEPTION 'ledger head may only move forward (% -> %)', OLD.size, NEW.size
      USING ERRCODE = 'insufficient_privilege';
  END IF;
  RETURN NEW;
END $$;
--> statement-breakpoint
CREATE TRIGGER ledger_entries_append_only BEFORE UPDATE OR DELETE ON ledger_entries
  FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change();
--> statement-breakpoint
CREATE TRIGGER ledger_entries_no_truncate BEFORE TRUNCATE ON ledger_entries
  FOR EACH STATEMENT EXECUTE FUNCTION ledger_refuse_change();
--> statement-breakpoint
CREATE TRIGGER ledger_checkpoints_append_only BEFORE UPDATE OR DELETE ON ledger_checkpoints
  FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change();
--> statement-breakpoint
CREATE TRIGGER ledger_checkpoints_no_truncate BEFORE TRUNCATE ON ledger_checkpoints
  FOR EACH STATEMENT EXECUTE FUNCTION ledger_refuse_change();
--> statement-breakpoint
CREATE TRIGGER ledger_tiles_grow BEFORE UPDATE ON ledger_tiles
  FOR EACH ROW EXECUTE FUNCTION ledger_tiles_grow_only();
--> statement-breakpoint
CREATE TRIGGER ledger_tiles_no_delete BEFORE DELETE ON ledger_tiles
  FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change();
--> statement-breakpoint
CREATE TRIGGER ledger_tiles_no_truncate BEFORE TRUNCATE ON ledger_tiles
  FOR EACH STATEMENT EXECUTE FUNCTION ledger_refuse_change();
--> statement-breakpoint
CREATE TRIGGER ledger_head_forward BEFORE UPDATE ON ledger_head
  FOR EACH ROW EXECUTE FUNCTION ledger_head_forward_only();
--> statement-breakpoint
CREATE TRIGGER ledger_head_no_delete BEFORE DELETE ON ledger_head
  FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change();
--> statement-breakpoint
CREATE TRIGGER ledger_head_no_truncate BEFORE TRUNCATE ON ledger_head
  FOR EACH STATEMENT EXECUTE FUNCTION ledger_refuse_change();
