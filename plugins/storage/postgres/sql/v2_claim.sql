-- Schema version 2: claim, measured under load (send -> receive -> delete at a few thousand
-- messages/s). Same semantics as version 1; two changes to how PostgreSQL plans it:
--
-- * The in-flight census moves into in_flight_census, which never uses a bitmap scan. Every
--   message deleted after its delivery leaves a dead entry in messages_in_flight inside the census
--   range (visible_at = delivery + visibility timeout > now) until vacuum, so between vacuums the
--   range holds about (deletes/s x visibility timeout) dead entries for a few hundred live ones.
--   A bitmap scan fetches the heap tuple of each, on every claim (measured: 43,000 entries and
--   7,500 heap pages for 80 live rows, 11 ms of a 18 ms claim). A plain or index-only scan marks
--   an entry dead in the index (LP_DEAD) the first time it finds its tuple dead to everyone, and
--   later scans skip it without touching the heap (measured: 150-220 buffers instead of 2,100).
-- * Every statement is planned for the call at hand (plan_cache_mode = force_custom_plan) instead
--   of with a generic plan cached for the session. A generic plan is costed once, from the table
--   as it was then: a session opened while `messages` was small kept a hash join over a
--   sequential scan of the whole table for the final pick-up of 10 rows by seq (19 ms and 2,700
--   buffers per claim once the backlog had grown). A custom plan costs a few planner runs per
--   claim and follows the table's current size.
--
-- A later migration that replaces claim must keep both (CREATE OR REPLACE resets the SET clause).

-- Messages of queue p_queue in flight at p_now (received, not yet visible again), per tenant
-- (group_id; '' = none). With bitmap scans off, so dead index entries are marked and skipped.
CREATE OR REPLACE FUNCTION @S@.in_flight_census(p_queue bigint, p_now bigint)
RETURNS TABLE (o_tenant bytea, o_n bigint)
LANGUAGE plpgsql STABLE SET enable_bitmapscan = off AS $$
BEGIN
  RETURN QUERY
    SELECT m.group_id, count(*) FROM @S@.messages m
    WHERE m.queue_id = p_queue AND m.receive_count > 0 AND m.visible_at > p_now
    GROUP BY m.group_id;
END $$;

-- As in version 1 (see v1_claim.sql for what it does), with the census above.
CREATE OR REPLACE FUNCTION @S@.claim(p_name text, p_now bigint, p_visibility bigint,
                                     p_max integer, p_max_receives integer, p_dlq text,
                                     p_dlq_resets_sent_at boolean, p_in_flight_limit bigint,
                                     p_noisy_min bigint, p_noisy_percent bigint)
RETURNS TABLE (o_seq bigint, o_message_id text, o_envelope bytea, o_group_id bytea,
               o_dedup_key bytea, o_sent_at bigint, o_receive_count integer,
               o_first_received_at bigint, o_dead_letter_source text, o_token bigint,
               o_queue_id bigint, o_generation bigint, o_fifo boolean, o_dead_lettered integer)
LANGUAGE plpgsql SET plan_cache_mode = force_custom_plan AS $$
DECLARE
  -- Dead-lettering more than this many messages ends the claim early (the rest wait for the
  -- next one), so one claim's cost stays bounded.
  c_dead_letter_cap constant integer := 100;
  v_queue @S@.queues := @S@.queue_of(p_name);
  v_dlq @S@.queues;
  v_use_dlq boolean := false;
  v_budget bigint := p_max;
  v_in_flight bigint := 0;
  v_noisy bytea[] := '{}';
  v_taken bigint[] := '{}';   -- delivered, in delivery order
  v_dead bigint[] := '{}';    -- to dead-letter
  v_groups bytea[] := '{}';   -- FIFO groups this claim locked, in claim order
  v_round bytea[];
  v_group bytea;
  v_got integer;
  v_dead_before integer;
  r record;
BEGIN
  IF p_max_receives > 0 AND p_dlq <> p_name THEN
    SELECT * INTO v_dlq FROM @S@.queues WHERE name = p_dlq;
    v_use_dlq := FOUND;  -- a missing dead-letter queue means "deliver as if no limit were set"
  END IF;

  -- In-flight census: the limit, and on standard queues the noisy tenants (fair queues).
  IF p_in_flight_limit > 0 OR NOT v_queue.fifo THEN
    SELECT coalesce(max(x.total), 0),
           coalesce(array_agg(x.tenant) FILTER (
             WHERE NOT v_queue.fifo AND length(x.tenant) > 0 AND x.n >= p_noisy_min
               AND x.n * 100 > x.total * p_noisy_percent), '{}')
      INTO v_in_flight, v_noisy
      FROM (SELECT t.o_tenant AS tenant, t.o_n AS n, sum(t.o_n) OVER () AS total
            FROM @S@.in_flight_census(v_queue.id, p_now) t) x;
  END IF;
  IF p_in_flight_limit > 0 THEN
    IF v_in_flight >= p_in_flight_limit THEN
      RAISE EXCEPTION USING ERRCODE = 'SL003',
        MESSAGE = format('queue %L already has %s messages in flight, its limit', p_name,
                         p_in_flight_limit);
    END IF;
    v_budget := least(v_budget, p_in_flight_limit - v_in_flight);
  END IF;

  IF NOT v_queue.fifo THEN
    -- Fair queues: the oldest visible messages of every tenant that is not noisy come first. The
    -- tenants are enumerated with one index probe each (a skip scan), so a noisy tenant's backlog
    -- is never walked.
    IF cardinality(v_noisy) > 0 THEN
      FOR r IN
        WITH RECURSIVE tenants(tenant) AS (
          (SELECT t.group_id FROM @S@.messages t
           WHERE t.queue_id = v_queue.id AND NOT t.is_fifo ORDER BY t.group_id LIMIT 1)
          UNION ALL
          SELECT (SELECT t.group_id FROM @S@.messages t
                  WHERE t.queue_id = v_queue.id AND NOT t.is_fifo AND t.group_id > tenants.tenant
                  ORDER BY t.group_id LIMIT 1)
          FROM tenants WHERE tenants.tenant IS NOT NULL),
        quiet AS (
          SELECT c.seq FROM tenants CROSS JOIN LATERAL (
              SELECT t.seq, t.visible_at FROM @S@.messages t
              WHERE t.queue_id = v_queue.id AND NOT t.is_fifo AND t.group_id = tenants.tenant
                AND t.visible_at <= p_now
              ORDER BY t.visible_at, t.seq LIMIT v_budget) c
          WHERE tenants.tenant IS NOT NULL AND tenants.tenant <> ALL (v_noisy)
          ORDER BY c.visible_at, c.seq LIMIT v_budget)
        SELECT m.seq, m.receive_count FROM quiet JOIN @S@.messages m ON m.seq = quiet.seq
        WHERE m.queue_id = v_queue.id AND m.visible_at <= p_now
        ORDER BY m.visible_at, m.seq
        FOR UPDATE OF m SKIP LOCKED
      LOOP
        IF v_use_dlq AND r.receive_count >= p_max_receives THEN
          v_dead := v_dead || r.seq;
        ELSE
          v_taken := v_taken || r.seq;
        END IF;
      END LOOP;
    END IF;

    -- Oldest visible first. Rounds repeat only while dead-lettering ate into the batch.
    LOOP
      EXIT WHEN cardinality(v_taken) >= v_budget OR cardinality(v_dead) >= c_dead_letter_cap;
      v_got := 0;
      v_dead_before := cardinality(v_dead);
      FOR r IN
        SELECT m.seq, m.receive_count FROM @S@.messages m
        WHERE m.queue_id = v_queue.id AND m.visible_at <= p_now
          AND m.seq <> ALL (v_taken) AND m.seq <> ALL (v_dead)
        ORDER BY m.visible_at, m.seq
        LIMIT v_budget - cardinality(v_taken)
        FOR UPDATE SKIP LOCKED
      LOOP
        v_got := v_got + 1;
        IF v_use_dlq AND r.receive_count >= p_max_receives THEN
          v_dead := v_dead || r.seq;
        ELSE
          v_taken := v_taken || r.seq;
        END IF;
      END LOOP;
      EXIT WHEN v_got = 0 OR cardinality(v_dead) = v_dead_before;
    END LOOP;
  ELSE
    -- FIFO: claimable groups, longest waiting first; in each, consecutive visible messages from
    -- the head. A delayed message holds back the rest of its group.
    LOOP
      EXIT WHEN cardinality(v_taken) >= v_budget OR cardinality(v_dead) >= c_dead_letter_cap;
      SELECT coalesce(array_agg(g.group_id ORDER BY g.ready_at, g.head_seq), '{}') INTO v_round
        FROM (SELECT fg.group_id, fg.ready_at, fg.head_seq FROM @S@.fifo_groups fg
              WHERE fg.queue_id = v_queue.id AND fg.ready_at <= p_now
                AND fg.group_id <> ALL (v_groups)
              ORDER BY fg.ready_at, fg.head_seq
              LIMIT v_budget - cardinality(v_taken)
              FOR UPDATE SKIP LOCKED) g;
      EXIT WHEN cardinality(v_round) = 0;
      v_groups := v_groups || v_round;
      FOREACH v_group IN ARRAY v_round LOOP
        EXIT WHEN cardinality(v_taken) >= v_budget OR cardinality(v_dead) >= c_dead_letter_cap;
        FOR r IN
          SELECT m.seq, m.visible_at, m.receive_count FROM @S@.messages m
          WHERE m.queue_id = v_queue.id AND m.is_fifo AND m.group_id = v_group
          ORDER BY m.seq
        LOOP
          EXIT WHEN r.visible_at > p_now;
          IF v_use_dlq AND r.receive_count >= p_max_receives THEN
            EXIT WHEN cardinality(v_dead) >= c_dead_letter_cap;
            v_dead := v_dead || r.seq;
            CONTINUE;
          END IF;
          v_taken := v_taken || r.seq;
          EXIT WHEN cardinality(v_taken) >= v_budget;
        END LOOP;
      END LOOP;
    END LOOP;
  END IF;

  -- Deliver.
  IF cardinality(v_taken) > 0 THEN
    UPDATE @S@.messages m
      SET visible_at = p_now + p_visibility,
          receive_count = m.receive_count + 1,
          first_received_at = coalesce(m.first_received_at, p_now),
          token = (random() * 9.0e18)::bigint
      WHERE m.queue_id = v_queue.id AND m.seq = ANY (v_taken);
  END IF;
  -- Dead-letter, in this same transaction.
  IF cardinality(v_dead) > 0 THEN
    PERFORM @S@.transfer(v_queue, v_dlq, v_dead, p_now, true, p_dlq_resets_sent_at);
  END IF;
  IF v_queue.fifo AND cardinality(v_groups) > 0 THEN
    UPDATE @S@.fifo_groups fg SET claimed_through = d.last_seq
      FROM (SELECT m.group_id, max(m.seq) AS last_seq FROM @S@.messages m
            WHERE m.queue_id = v_queue.id AND m.seq = ANY (v_taken) GROUP BY m.group_id) d
      WHERE fg.queue_id = v_queue.id AND fg.group_id = d.group_id;
    PERFORM @S@.refresh_groups(v_queue.id, v_groups);
  END IF;
  IF cardinality(v_dead) > 0 THEN
    PERFORM @S@.add_messages_many(ARRAY[v_queue.id, v_dlq.id],
                                  ARRAY[-cardinality(v_dead), cardinality(v_dead)]::bigint[]);
  END IF;

  RETURN QUERY
    SELECT m.seq, m.message_id, m.envelope, m.group_id, m.dedup_key, m.sent_at, m.receive_count,
           m.first_received_at, m.dead_letter_source, m.token, v_queue.id, v_queue.generation,
           v_queue.fifo, NULL::integer
    FROM unnest(v_taken) WITH ORDINALITY AS t(seq, ord)
    JOIN @S@.messages m ON m.seq = t.seq
    ORDER BY t.ord;
  RETURN QUERY
    SELECT NULL::bigint, NULL::text, NULL::bytea, NULL::bytea, NULL::bytea, NULL::bigint,
           NULL::integer, NULL::bigint, NULL::text, NULL::bigint, v_queue.id, v_queue.generation,
           v_queue.fifo, cardinality(v_dead);
END $$;
