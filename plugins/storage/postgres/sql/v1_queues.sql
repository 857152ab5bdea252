-- Schema version 1: queue records, purge, counts and retention.

-- Creates a queue at version 1 with its counter shards. No row: the name is taken.
CREATE OR REPLACE FUNCTION @S@.create_queue(p_name text, p_fifo boolean, p_generation bigint,
                                            p_metadata bytea)
RETURNS SETOF @S@.queues LANGUAGE plpgsql AS $$
DECLARE
  v_queue @S@.queues;
BEGIN
  INSERT INTO @S@.queues (name, fifo, generation, version, metadata)
    VALUES (p_name, p_fifo, p_generation, 1, p_metadata)
    ON CONFLICT (name) DO NOTHING
    RETURNING * INTO v_queue;
  IF NOT FOUND THEN
    RETURN;
  END IF;
  INSERT INTO @S@.queue_counts (queue_id, shard) SELECT v_queue.id, s FROM generate_series(0, 15) s;
  RETURN NEXT v_queue;
END $$;

-- Optimistic update of the metadata: SL001 if absent, SL004 if p_version is not current.
CREATE OR REPLACE FUNCTION @S@.update_queue(p_name text, p_version bigint, p_metadata bytea)
RETURNS SETOF @S@.queues LANGUAGE plpgsql AS $$
DECLARE
  v_queue @S@.queues;
BEGIN
  UPDATE @S@.queues SET metadata = p_metadata, version = version + 1
    WHERE name = p_name AND version = p_version
    RETURNING * INTO v_queue;
  IF FOUND THEN
    RETURN NEXT v_queue;
    RETURN;
  END IF;
  v_queue := @S@.queue_of(p_name);
  RAISE EXCEPTION USING ERRCODE = 'SL004',
    MESSAGE = format('queue %L was updated concurrently: expected version %s, found version %s',
                     p_name, p_version, v_queue.version);
END $$;

-- Deletes a queue and everything in it (dedup records included). The counter rows go after the
-- messages, then the messages once more: an append that got its counter update in before us has
-- committed by then, and one that comes after finds no counter row and rolls back (SL002).
CREATE OR REPLACE FUNCTION @S@.delete_queue(p_name text) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
  v_id bigint;
BEGIN
  DELETE FROM @S@.queues WHERE name = p_name RETURNING id INTO v_id;
  IF NOT FOUND THEN
    RAISE EXCEPTION USING ERRCODE = 'SL001', MESSAGE = format('queue %L does not exist', p_name);
  END IF;
  DELETE FROM @S@.fifo_groups WHERE queue_id = v_id;
  DELETE FROM @S@.messages WHERE queue_id = v_id;
  DELETE FROM @S@.queue_counts WHERE queue_id = v_id;
  DELETE FROM @S@.messages WHERE queue_id = v_id;
  DELETE FROM @S@.dedup WHERE queue_id = v_id;
END $$;

-- Deletes every message (dedup records stay); returns how many.
CREATE OR REPLACE FUNCTION @S@.purge(p_name text) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
  v_queue @S@.queues := @S@.queue_of(p_name);
  v_count bigint;
BEGIN
  -- Group rows first: waits for claims and appends that hold them.
  DELETE FROM @S@.fifo_groups WHERE queue_id = v_queue.id;
  DELETE FROM @S@.messages WHERE queue_id = v_queue.id;
  GET DIAGNOSTICS v_count = ROW_COUNT;
  IF v_count > 0 THEN
    PERFORM @S@.add_messages(v_queue.id, -v_count);
  END IF;
  RETURN v_count;
END $$;

-- Visible, in flight and delayed at p_now, from one snapshot: the total comes from the counter
-- shards, the not-yet-visible part from index ranges above p_now. Cost: O(in flight + delayed),
-- never the visible backlog.
CREATE OR REPLACE FUNCTION @S@.counts(p_name text, p_now bigint)
RETURNS TABLE (o_visible bigint, o_in_flight bigint, o_delayed bigint)
LANGUAGE plpgsql AS $$
DECLARE
  v_queue @S@.queues := @S@.queue_of(p_name);
BEGIN
  RETURN QUERY
    SELECT greatest(c.total - c.hidden, 0), c.in_flight, greatest(c.hidden - c.in_flight, 0)
    FROM (SELECT
            (SELECT coalesce(sum(messages), 0)::bigint FROM @S@.queue_counts
              WHERE queue_id = v_queue.id) AS total,
            (SELECT count(*) FROM @S@.messages
              WHERE queue_id = v_queue.id AND visible_at > p_now) AS hidden,
            (SELECT count(*) FROM @S@.messages
              WHERE queue_id = v_queue.id AND receive_count > 0 AND visible_at > p_now) AS in_flight
         ) c;
END $$;

-- Deletes up to p_limit messages sent before p_cutoff (oldest first), whatever their state;
-- returns how many. The caller repeats while it gets p_limit back.
CREATE OR REPLACE FUNCTION @S@.expire(p_name text, p_cutoff bigint, p_limit integer)
RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
  v_queue @S@.queues := @S@.queue_of(p_name);
  v_seqs bigint[];
  v_groups bytea[];
  v_count bigint;
BEGIN
  SELECT array_agg(seq), array_agg(DISTINCT group_id) INTO v_seqs, v_groups
    FROM (SELECT seq, group_id FROM @S@.messages
          WHERE queue_id = v_queue.id AND sent_at < p_cutoff
          ORDER BY sent_at LIMIT p_limit) doomed;
  IF v_seqs IS NULL THEN
    RETURN 0;
  END IF;
  IF v_queue.fifo THEN
    PERFORM @S@.lock_groups(v_queue.id, v_groups);
  END IF;
  DELETE FROM @S@.messages WHERE queue_id = v_queue.id AND seq = ANY (v_seqs);
  GET DIAGNOSTICS v_count = ROW_COUNT;
  IF v_queue.fifo THEN
    PERFORM @S@.refresh_groups(v_queue.id, v_groups);
  END IF;
  IF v_count > 0 THEN
    PERFORM @S@.add_messages(v_queue.id, -v_count);
  END IF;
  RETURN v_count;
END $$;
