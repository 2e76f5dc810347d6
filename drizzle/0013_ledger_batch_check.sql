-- A sealing batch is one statement, and usually runs without a transaction around it (the
-- sequencer knows its intake rows). The statement checks itself with this function and fails as a
-- whole, as a serialization failure (the sequencer reads the head again and retries), unless the
-- head still had the size the batch was computed from, every intake row it consumed was still
-- waiting with the leaf hash it was sealed with, and every tile row ends where the batch's nodes end.
CREATE FUNCTION ledger_batch_check(head_rows bigint, intake_rows bigint, intake_expected bigint, tile_rows bigint, tiles_expected bigint)
RETURNS boolean LANGUAGE plpgsql VOLATILE AS $$
BEGIN
  IF head_rows <> 1 THEN
    RAISE EXCEPTION 'the log head moved: another writer is sealing this log' USING ERRCODE = 'serialization_failure';
  END IF;
  IF intake_rows <> intake_expected THEN
    RAISE EXCEPTION 'only % of the batch''s % intake rows were waiting as sealed', intake_rows, intake_expected USING ERRCODE = 'serialization_failure';
  END IF;
  IF tile_rows <> tiles_expected THEN
    RAISE EXCEPTION 'only % of the batch''s % tile rows end where its nodes end: tiles and head disagree', tile_rows, tiles_expected USING ERRCODE = 'serialization_failure';
  END IF;
  RETURN true;
END $$;
