-- A custody step's write is one statement sent together with its COMMIT, so it checks itself: the
-- statement fails as a whole (and the transaction rolls back) unless its read-side write landed.
CREATE FUNCTION step_write_check(written bigint)
RETURNS boolean LANGUAGE plpgsql VOLATILE AS $$
BEGIN
  IF written < 1 THEN
    RAISE EXCEPTION 'the read-side write of a step did not land' USING ERRCODE = 'internal_error';
  END IF;
  RETURN true;
END $$;
