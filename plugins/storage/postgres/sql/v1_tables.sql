-- Schema version 1: tables and indexes. @S@ is replaced by the quoted schema name.
--
-- Times are Unix milliseconds (bigint): the broker passes `now` into every call and the database
-- never reads its own clock for queue semantics. Binary values (envelopes, metadata, group ids,
-- dedup keys) are bytea: group-scoped dedup keys contain NUL bytes.

CREATE TABLE IF NOT EXISTS @S@.queues (
  id bigserial PRIMARY KEY,
  name text COLLATE "C" NOT NULL UNIQUE,  -- byte order, as list_queues promises
  fifo boolean NOT NULL,
  generation bigint NOT NULL,             -- the SPI's uint64, bit for bit
  version bigint NOT NULL,
  metadata bytea NOT NULL
);

-- Messages per queue, split over 16 shards (a shard per backend, pg_backend_pid() % 16) so that
-- appends and removes from many connections do not queue behind one counter row. Every change to
-- a queue's messages updates one shard in the same transaction, so the sum is exact in every
-- snapshot. The rows also guard appends against a concurrent delete_queue (see add_messages).
CREATE TABLE IF NOT EXISTS @S@.queue_counts (
  queue_id bigint NOT NULL,
  shard smallint NOT NULL,
  messages bigint NOT NULL DEFAULT 0,
  PRIMARY KEY (queue_id, shard)
) WITH (fillfactor = 50);

-- Arrival order of every message in every queue. Never reused: a receipt names (queue, seq).
CREATE SEQUENCE IF NOT EXISTS @S@.message_seq;

CREATE TABLE IF NOT EXISTS @S@.messages (
  seq bigint PRIMARY KEY,
  queue_id bigint NOT NULL,
  is_fifo boolean NOT NULL,               -- copied from the queue: selects the partial indexes
  message_id text NOT NULL,
  envelope bytea NOT NULL,
  group_id bytea NOT NULL,                -- FIFO group, or tenant on standard queues ('' = none)
  dedup_key bytea NOT NULL,
  sent_at bigint NOT NULL,
  visible_at bigint NOT NULL,
  receive_count integer NOT NULL DEFAULT 0,
  first_received_at bigint,               -- null until the first delivery
  token bigint NOT NULL DEFAULT 0,        -- random per delivery; a receipt must carry it
  dead_letter_source text                 -- the queue that dead-lettered it here
) WITH (autovacuum_vacuum_scale_factor = 0.02, autovacuum_vacuum_insert_scale_factor = 0.05);

-- Standard claims (oldest visible first), move, and the not-yet-visible part of counts.
CREATE INDEX IF NOT EXISTS messages_by_visibility ON @S@.messages (queue_id, visible_at, seq);
-- In-flight census (limit, fair queues, counts): only messages ever received.
CREATE INDEX IF NOT EXISTS messages_in_flight ON @S@.messages (queue_id, visible_at)
  INCLUDE (group_id) WHERE receive_count > 0;
-- FIFO groups in order.
CREATE INDEX IF NOT EXISTS messages_by_group ON @S@.messages (queue_id, group_id, seq)
  WHERE is_fifo;
-- Fair queues: each tenant's oldest visible messages, and the distinct tenants.
CREATE INDEX IF NOT EXISTS messages_by_tenant ON @S@.messages (queue_id, group_id, visible_at, seq)
  WHERE NOT is_fifo;
-- Retention.
CREATE INDEX IF NOT EXISTS messages_by_sent ON @S@.messages (queue_id, sent_at);

-- One row per FIFO group that has messages. A group is claimable when ready_at <= now:
--   ready_at = max(visible_at of the head, visible_at of every message up to claimed_through),
-- where claimed_through is the last message the latest claim of the group delivered (every message
-- in flight is at or before it, and every message appended later gets a larger seq). Every writer
-- of a row holds its row lock, and claims take rows FOR UPDATE SKIP LOCKED: that is the group lock
-- across brokers.
CREATE TABLE IF NOT EXISTS @S@.fifo_groups (
  queue_id bigint NOT NULL,
  group_id bytea NOT NULL,
  head_seq bigint,                        -- null only inside the append that creates the row
  ready_at bigint,
  claimed_through bigint NOT NULL DEFAULT 0,
  PRIMARY KEY (queue_id, group_id)
) WITH (fillfactor = 70, autovacuum_vacuum_scale_factor = 0.02);
CREATE INDEX IF NOT EXISTS fifo_groups_by_ready ON @S@.fifo_groups (queue_id, ready_at, head_seq);

-- FIFO deduplication: the first append of each key and when it happened. A key is a duplicate
-- while now < first_seen + window; expired rows are replaced on conflict and pruned by appends.
CREATE TABLE IF NOT EXISTS @S@.dedup (
  queue_id bigint NOT NULL,
  dedup_key bytea NOT NULL,
  first_seen bigint NOT NULL,
  message_id text NOT NULL,
  seq bigint NOT NULL,
  PRIMARY KEY (queue_id, dedup_key)
);
CREATE INDEX IF NOT EXISTS dedup_by_age ON @S@.dedup (queue_id, first_seen);

-- Store-wide settings: the key of the receipt check value, shared by every broker.
CREATE TABLE IF NOT EXISTS @S@.settings (
  name text PRIMARY KEY,
  value bigint NOT NULL
);
INSERT INTO @S@.settings (name, value)
  VALUES ('receipt_key', (random() * 9.0e18)::bigint # (random() * 4.0e9)::bigint)
  ON CONFLICT (name) DO NOTHING;
