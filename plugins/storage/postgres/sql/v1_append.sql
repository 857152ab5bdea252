-- Schema version 1: append. One call stores a whole batch in one transaction.

-- Standard queues: one INSERT for the batch; nothing is returned (the outcomes are the inputs).
-- FIFO queues: the batch's groups are locked first (so sequence numbers follow commit order within
-- a group), then each message in order is deduplicated against the window and stored; one row per
-- message: its id (the original's for a duplicate), sequence and whether it was a duplicate.
CREATE OR REPLACE FUNCTION @S@.append(p_name text, p_now bigint, p_window bigint,
                                      p_ids text[], p_envelopes bytea[], p_sent bigint[],
                                      p_visible bigint[], p_groups bytea[], p_dedup bytea[])
RETURNS TABLE (o_message_id text, o_seq bigint, o_duplicate boolean)
LANGUAGE plpgsql AS $$
DECLARE
  v_queue @S@.queues := @S@.queue_of(p_name);
  v_count integer := coalesce(cardinality(p_ids), 0);
  v_stored bigint := 0;
  v_seq bigint;
  v_original_id text;
  v_original_seq bigint;
BEGIN
  IF NOT v_queue.fifo THEN
    INSERT INTO @S@.messages (seq, queue_id, is_fifo, message_id, envelope, group_id, dedup_key,
                             sent_at, visible_at)
    SELECT nextval('@S@.message_seq'), v_queue.id, false, u.id, u.envelope, u.group_id, ''::bytea,
           u.sent_at, u.visible_at
    FROM unnest(p_ids, p_envelopes, p_sent, p_visible, p_groups)
           AS u(id, envelope, sent_at, visible_at, group_id);
    IF v_count > 0 THEN
      PERFORM @S@.add_messages(v_queue.id, v_count);
    END IF;
    RETURN;
  END IF;

  PERFORM @S@.lock_groups_for_append(v_queue.id, p_groups);
  -- Forget a few keys whose window has passed (rows other appends hold are left to them).
  DELETE FROM @S@.dedup d USING (
      SELECT dedup_key FROM @S@.dedup
      WHERE queue_id = v_queue.id AND first_seen <= p_now - p_window
      ORDER BY first_seen LIMIT 64 FOR UPDATE SKIP LOCKED) old
    WHERE d.queue_id = v_queue.id AND d.dedup_key = old.dedup_key;

  FOR i IN 1 .. v_count LOOP
    v_seq := nextval('@S@.message_seq');
    IF length(p_dedup[i]) > 0 THEN
      -- A new key, or one whose window has passed, takes this message; a key within its window
      -- keeps the original (and its row is locked, so the SELECT below sees it committed).
      INSERT INTO @S@.dedup AS d (queue_id, dedup_key, first_seen, message_id, seq)
        VALUES (v_queue.id, p_dedup[i], p_now, p_ids[i], v_seq)
        ON CONFLICT (queue_id, dedup_key) DO UPDATE
          SET first_seen = EXCLUDED.first_seen, message_id = EXCLUDED.message_id,
              seq = EXCLUDED.seq
          WHERE d.first_seen + p_window <= p_now;
      IF NOT FOUND THEN
        SELECT d.message_id, d.seq INTO v_original_id, v_original_seq FROM @S@.dedup d
          WHERE d.queue_id = v_queue.id AND d.dedup_key = p_dedup[i];
        o_message_id := v_original_id;
        o_seq := v_original_seq;
        o_duplicate := true;
        RETURN NEXT;
        CONTINUE;
      END IF;
    END IF;
    INSERT INTO @S@.messages (seq, queue_id, is_fifo, message_id, envelope, group_id, dedup_key,
                             sent_at, visible_at)
      VALUES (v_seq, v_queue.id, true, p_ids[i], p_envelopes[i], p_groups[i], p_dedup[i],
              p_sent[i], p_visible[i]);
    v_stored := v_stored + 1;
    o_message_id := p_ids[i];
    o_seq := v_seq;
    o_duplicate := false;
    RETURN NEXT;
  END LOOP;

  -- Groups this append created get their head now.
  PERFORM @S@.refresh_groups(v_queue.id, ARRAY(
    SELECT group_id FROM @S@.fifo_groups
    WHERE queue_id = v_queue.id AND group_id = ANY (p_groups) AND head_seq IS NULL));
  IF v_stored > 0 THEN
    PERFORM @S@.add_messages(v_queue.id, v_stored);
  ELSE
    -- Nothing stored: still make sure the queue was not deleted under us.
    PERFORM @S@.add_messages(v_queue.id, 0);
  END IF;
END $$;
