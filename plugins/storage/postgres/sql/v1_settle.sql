-- Schema version 1: remove and set_visibility by receipt, and move (redrive).
--
-- A receipt arrives parsed into (queue id, generation, seq, token). Per-item status codes:
--   0 ok (for remove also: the message is already gone)
--   1 the receipt belongs to another queue or an earlier queue of this name
--   2 the message is gone (set_visibility only)
--   3 superseded: the message was delivered again since
--   4 not in flight: its visibility already expired (set_visibility only)

-- remove also says whether the queue is FIFO (a removal may unblock a group: worth a wake-up).
CREATE OR REPLACE FUNCTION @S@.remove(p_name text, p_queue_ids bigint[], p_generations bigint[],
                                      p_seqs bigint[], p_tokens bigint[])
RETURNS TABLE (o_status smallint, o_fifo boolean) LANGUAGE plpgsql AS $$
DECLARE
  v_queue @S@.queues := @S@.queue_of(p_name);
  v_deleted bigint[];
  v_groups bytea[];
BEGIN
  IF v_queue.fifo THEN
    PERFORM @S@.lock_groups(v_queue.id, ARRAY(
      SELECT DISTINCT m.group_id FROM @S@.messages m
      WHERE m.queue_id = v_queue.id AND m.seq = ANY (p_seqs)));
  END IF;
  WITH wanted AS (
    SELECT u.seq, u.token FROM unnest(p_queue_ids, p_generations, p_seqs, p_tokens)
      AS u(queue_id, generation, seq, token)
    WHERE u.queue_id = v_queue.id AND u.generation = v_queue.generation
  ), gone AS (
    DELETE FROM @S@.messages m USING wanted w
    WHERE m.queue_id = v_queue.id AND m.seq = w.seq AND m.token = w.token
    RETURNING m.seq, m.group_id
  )
  SELECT coalesce(array_agg(gone.seq), '{}'), coalesce(array_agg(DISTINCT gone.group_id), '{}')
    INTO v_deleted, v_groups FROM gone;
  IF v_queue.fifo AND cardinality(v_groups) > 0 THEN
    PERFORM @S@.refresh_groups(v_queue.id, v_groups);
  END IF;
  IF cardinality(v_deleted) > 0 THEN
    PERFORM @S@.add_messages(v_queue.id, -cardinality(v_deleted));
  END IF;
  -- Not deleted and still there: a later delivery holds it.
  RETURN QUERY
    SELECT (CASE
              WHEN u.queue_id <> v_queue.id OR u.generation <> v_queue.generation THEN 1
              WHEN u.seq = ANY (v_deleted) THEN 0
              WHEN EXISTS (SELECT 1 FROM @S@.messages m
                           WHERE m.queue_id = v_queue.id AND m.seq = u.seq) THEN 3
              ELSE 0
            END)::smallint, v_queue.fifo
    FROM unnest(p_queue_ids, p_generations, p_seqs) WITH ORDINALITY AS u(queue_id, generation, seq, ord)
    ORDER BY u.ord;
END $$;

CREATE OR REPLACE FUNCTION @S@.set_visibility(p_name text, p_now bigint, p_queue_ids bigint[],
                                              p_generations bigint[], p_seqs bigint[],
                                              p_tokens bigint[], p_until bigint[])
RETURNS TABLE (o_status smallint) LANGUAGE plpgsql AS $$
DECLARE
  v_queue @S@.queues := @S@.queue_of(p_name);
  v_status smallint[] := '{}';
  v_groups bytea[] := '{}';
  v_token bigint;
  v_visible_at bigint;
  v_group bytea;
BEGIN
  IF v_queue.fifo THEN
    PERFORM @S@.lock_groups(v_queue.id, ARRAY(
      SELECT DISTINCT m.group_id FROM @S@.messages m
      WHERE m.queue_id = v_queue.id AND m.seq = ANY (p_seqs)));
  END IF;
  FOR i IN 1 .. coalesce(cardinality(p_seqs), 0) LOOP
    IF p_queue_ids[i] <> v_queue.id OR p_generations[i] <> v_queue.generation THEN
      v_status := v_status || 1::smallint;
      CONTINUE;
    END IF;
    SELECT token, visible_at, group_id INTO v_token, v_visible_at, v_group FROM @S@.messages
      WHERE queue_id = v_queue.id AND seq = p_seqs[i] FOR UPDATE;
    IF NOT FOUND THEN
      v_status := v_status || 2::smallint;
    ELSIF v_token <> p_tokens[i] THEN
      v_status := v_status || 3::smallint;
    ELSIF p_now >= v_visible_at THEN
      v_status := v_status || 4::smallint;
    ELSE
      UPDATE @S@.messages SET visible_at = p_until[i]
        WHERE queue_id = v_queue.id AND seq = p_seqs[i];
      v_groups := v_groups || v_group;
      v_status := v_status || 0::smallint;
    END IF;
  END LOOP;
  IF v_queue.fifo AND cardinality(v_groups) > 0 THEN
    PERFORM @S@.refresh_groups(v_queue.id, v_groups);
  END IF;
  RETURN QUERY SELECT unnest(v_status);
END $$;

-- Moves up to p_max visible messages of p_source, oldest first, to p_destination (or, when it is
-- empty, each to its dead_letter_source), in one transaction. Stops at the first message it
-- cannot move and reports why, keeping what it moved before:
--   o_error 0 none, 1 destination missing (o_detail: its name), 2 no dead-letter source
--   (o_detail: the message id), 3 the destination is the source itself.
-- o_moved_to lists the destinations that received messages (for wake-ups); o_remaining is the
-- source's visible count afterwards.
CREATE OR REPLACE FUNCTION @S@.move(p_source text, p_destination text, p_now bigint,
                                    p_max integer)
RETURNS TABLE (o_moved bigint, o_error smallint, o_detail text, o_moved_to text[],
               o_remaining bigint)
LANGUAGE plpgsql AS $$
DECLARE
  v_source @S@.queues := @S@.queue_of(p_source);
  v_fixed @S@.queues;
  v_target @S@.queues;
  v_error smallint := 0;
  v_detail text;
  v_seqs bigint[];
  v_batch bigint[] := '{}';
  v_count_ids bigint[] := '{}';     -- counter changes, applied last
  v_count_deltas bigint[] := '{}';
  v_moved_to text[] := '{}';
  v_n bigint;
  r record;
BEGIN
  IF p_destination <> '' THEN
    SELECT * INTO v_fixed FROM @S@.queues WHERE name = p_destination;
    IF NOT FOUND THEN
      v_error := 1;
      v_detail := p_destination;
    ELSIF v_fixed.id = v_source.id THEN
      v_error := 3;
      v_detail := p_source;
    END IF;
    v_target := v_fixed;
  END IF;
  IF v_error = 0 THEN
    SELECT array_agg(c.seq) INTO v_seqs
      FROM (SELECT seq FROM @S@.messages
            WHERE queue_id = v_source.id AND visible_at <= p_now
            ORDER BY visible_at, seq LIMIT p_max) c;
    IF v_seqs IS NOT NULL AND v_source.fifo THEN
      PERFORM @S@.lock_groups(v_source.id, ARRAY(
        SELECT DISTINCT group_id FROM @S@.messages
        WHERE queue_id = v_source.id AND seq = ANY (v_seqs)));
    END IF;
    FOR r IN
      SELECT m.seq, m.message_id, m.dead_letter_source FROM @S@.messages m
      WHERE m.queue_id = v_source.id AND m.seq = ANY (coalesce(v_seqs, '{}'))
        AND m.visible_at <= p_now
      ORDER BY m.visible_at, m.seq
      FOR UPDATE SKIP LOCKED
    LOOP
      IF p_destination = '' THEN
        IF coalesce(r.dead_letter_source, '') = '' THEN
          v_error := 2;
          v_detail := r.message_id;
          EXIT;
        END IF;
        -- Runs of consecutive messages bound for the same queue move together.
        IF v_target.name IS DISTINCT FROM r.dead_letter_source THEN
          IF cardinality(v_batch) > 0 THEN
            v_n := @S@.transfer(v_source, v_target, v_batch, p_now, false, false);
            v_count_ids := v_count_ids || v_source.id || v_target.id;
            v_count_deltas := v_count_deltas || -v_n || v_n;
            v_moved_to := v_moved_to || v_target.name;
            v_batch := '{}';
          END IF;
          SELECT * INTO v_target FROM @S@.queues WHERE name = r.dead_letter_source;
          IF NOT FOUND THEN
            v_error := 1;
            v_detail := r.dead_letter_source;
            EXIT;
          ELSIF v_target.id = v_source.id THEN
            v_error := 3;
            v_detail := p_source;
            EXIT;
          END IF;
        END IF;
      END IF;
      v_batch := v_batch || r.seq;
    END LOOP;
    IF cardinality(v_batch) > 0 AND v_target.id IS NOT NULL AND v_target.id <> v_source.id THEN
      v_n := @S@.transfer(v_source, v_target, v_batch, p_now, false, false);
      v_count_ids := v_count_ids || v_source.id || v_target.id;
      v_count_deltas := v_count_deltas || -v_n || v_n;
      v_moved_to := v_moved_to || v_target.name;
    END IF;
  END IF;
  PERFORM @S@.add_messages_many(v_count_ids, v_count_deltas);
  RETURN QUERY
    SELECT coalesce((SELECT sum(d) FROM unnest(v_count_deltas) d WHERE d > 0), 0)::bigint,
           v_error, v_detail, v_moved_to, c.o_visible
    FROM @S@.counts(p_source, p_now) c;
END $$;
