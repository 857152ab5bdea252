-- Schema version 1: helpers the operation functions share.
--
-- Lock order, everywhere (so that operations never deadlock each other): FIFO group rows (in
-- group_id order; claims skip locked rows instead of waiting) -> message rows -> queue_counts rows
-- (always the last statement of an operation, in queue id order). delete_queue deletes the
-- counter rows after the messages for the same reason.
--
-- Errors raised for the plugin (SQLSTATE class SL):
--   SL001  the queue does not exist                      -> kQueueDoesNotExist
--   SL002  a queue was deleted during the operation       -> retried, then kQueueDoesNotExist
--   SL003  the in-flight limit is reached                 -> kOverLimit
--   SL004  update_queue lost the optimistic race          -> kConflict

-- The queue named p_name, or SL001.
CREATE OR REPLACE FUNCTION @S@.queue_of(p_name text) RETURNS @S@.queues
LANGUAGE plpgsql AS $$
DECLARE
  v_queue @S@.queues;
BEGIN
  SELECT * INTO v_queue FROM @S@.queues WHERE name = p_name;
  IF NOT FOUND THEN
    RAISE EXCEPTION USING ERRCODE = 'SL001', MESSAGE = format('queue %L does not exist', p_name);
  END IF;
  RETURN v_queue;
END $$;

-- Adds p_delta to the message count of queue p_queue (one shard). Call it last. No counter row
-- means the queue was deleted meanwhile: SL002 rolls the whole operation back.
CREATE OR REPLACE FUNCTION @S@.add_messages(p_queue bigint, p_delta bigint) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
  UPDATE @S@.queue_counts SET messages = messages + p_delta
    WHERE queue_id = p_queue AND shard = pg_backend_pid() % 16;
  IF NOT FOUND THEN
    RAISE EXCEPTION USING ERRCODE = 'SL002',
      MESSAGE = format('queue %s was deleted during the operation', p_queue);
  END IF;
END $$;

-- Locks the group rows of FIFO queue p_queue named in p_groups, in group order, creating missing
-- ones (head_seq null: refresh_groups fills it once the messages are in). Used before taking
-- sequence numbers, so a group's messages are numbered in the order their appends commit.
CREATE OR REPLACE FUNCTION @S@.lock_groups_for_append(p_queue bigint, p_groups bytea[])
RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO @S@.fifo_groups AS g (queue_id, group_id)
    SELECT p_queue, d.group_id FROM (SELECT DISTINCT x AS group_id FROM unnest(p_groups) x) d
    ORDER BY d.group_id
  ON CONFLICT (queue_id, group_id) DO UPDATE SET head_seq = g.head_seq;
END $$;

-- Locks existing group rows of queue p_queue, in group order.
CREATE OR REPLACE FUNCTION @S@.lock_groups(p_queue bigint, p_groups bytea[])
RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  PERFORM 1 FROM @S@.fifo_groups
    WHERE queue_id = p_queue AND group_id = ANY (p_groups)
    ORDER BY group_id FOR UPDATE;
END $$;

-- Recomputes head_seq and ready_at of the given groups from their messages, and drops the rows
-- of groups left empty. Locks each row first, so it is correct whatever the caller holds; a row
-- it cannot see (another transaction is creating it) is left to that transaction.
CREATE OR REPLACE FUNCTION @S@.refresh_groups(p_queue bigint, p_groups bytea[])
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  v_group bytea;
  v_through bigint;
  v_head_seq bigint;
  v_head_visible bigint;
  v_busy_until bigint;
BEGIN
  FOR v_group IN SELECT DISTINCT x FROM unnest(p_groups) x ORDER BY 1 LOOP
    SELECT claimed_through INTO v_through FROM @S@.fifo_groups
      WHERE queue_id = p_queue AND group_id = v_group FOR UPDATE;
    CONTINUE WHEN NOT FOUND;
    SELECT seq, visible_at INTO v_head_seq, v_head_visible FROM @S@.messages
      WHERE queue_id = p_queue AND is_fifo AND group_id = v_group ORDER BY seq LIMIT 1;
    IF NOT FOUND THEN
      DELETE FROM @S@.fifo_groups WHERE queue_id = p_queue AND group_id = v_group;
      CONTINUE;
    END IF;
    SELECT max(visible_at) INTO v_busy_until FROM @S@.messages
      WHERE queue_id = p_queue AND is_fifo AND group_id = v_group
        AND seq >= v_head_seq AND seq <= v_through;
    UPDATE @S@.fifo_groups
      SET head_seq = v_head_seq, ready_at = greatest(v_head_visible, v_busy_until)
      WHERE queue_id = p_queue AND group_id = v_group;
  END LOOP;
END $$;

-- Moves messages p_seqs (rows the caller has locked, all in queue p_from) into queue p_to as new
-- arrivals there, visible at p_now, in seq order. p_dead_letter: keep the receive count and first
-- receive, name p_from as dead_letter_source, and restart sent_at if p_reset_sent_at; otherwise
-- (a move) restart the receive count and clear dead_letter_source. Refreshes the groups of both
-- queues when FIFO. Does not touch the counters: the caller adds -n / +n as its last step.
-- Returns how many messages moved.
CREATE OR REPLACE FUNCTION @S@.transfer(p_from @S@.queues, p_to @S@.queues, p_seqs bigint[],
                                        p_now bigint, p_dead_letter boolean,
                                        p_reset_sent_at boolean)
RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
  v_groups bytea[];
  v_moved bigint;
BEGIN
  IF cardinality(p_seqs) = 0 THEN
    RETURN 0;
  END IF;
  SELECT array_agg(DISTINCT group_id) INTO v_groups FROM @S@.messages
    WHERE queue_id = p_from.id AND seq = ANY (p_seqs);
  IF p_to.fifo THEN
    PERFORM @S@.lock_groups_for_append(p_to.id, v_groups);
  END IF;
  WITH moved AS (
    DELETE FROM @S@.messages WHERE queue_id = p_from.id AND seq = ANY (p_seqs) RETURNING *
  )
  INSERT INTO @S@.messages (seq, queue_id, is_fifo, message_id, envelope, group_id, dedup_key,
                           sent_at, visible_at, receive_count, first_received_at, token,
                           dead_letter_source)
  SELECT nextval('@S@.message_seq'), p_to.id, p_to.fifo, m.message_id, m.envelope, m.group_id,
         m.dedup_key,
         CASE WHEN p_dead_letter AND p_reset_sent_at THEN p_now ELSE m.sent_at END,
         p_now,
         CASE WHEN p_dead_letter THEN m.receive_count ELSE 0 END,
         CASE WHEN p_dead_letter THEN m.first_received_at END,
         0,
         CASE WHEN p_dead_letter THEN p_from.name END
  FROM (SELECT * FROM moved ORDER BY seq) m;
  GET DIAGNOSTICS v_moved = ROW_COUNT;
  IF p_from.fifo THEN
    PERFORM @S@.refresh_groups(p_from.id, v_groups);
  END IF;
  IF p_to.fifo THEN
    PERFORM @S@.refresh_groups(p_to.id, ARRAY(
      SELECT group_id FROM @S@.fifo_groups
      WHERE queue_id = p_to.id AND group_id = ANY (v_groups) AND head_seq IS NULL));
  END IF;
  RETURN v_moved;
END $$;

-- Applies counter changes to several queues (p_ids[i] gets p_deltas[i]), summed per queue and
-- in queue id order. Call it last.
CREATE OR REPLACE FUNCTION @S@.add_messages_many(p_ids bigint[], p_deltas bigint[])
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  r record;
BEGIN
  FOR r IN
    SELECT u.id, sum(u.delta)::bigint AS delta FROM unnest(p_ids, p_deltas) AS u(id, delta)
    GROUP BY u.id ORDER BY u.id
  LOOP
    IF r.delta <> 0 THEN
      PERFORM @S@.add_messages(r.id, r.delta);
    END IF;
  END LOOP;
END $$;
