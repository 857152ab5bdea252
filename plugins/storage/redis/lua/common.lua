-- Helpers shared by every Sluice script. The build prepends this file to each script, so each
-- one is self-contained (SCRIPT LOAD knows no includes). See README.md for the key layout.
--
-- A queue is 14 keys sharing one hash tag, always passed in KEYS in this order:
--   meta  hash   name, gen (generation, decimal text), fifo ('1'/'0'), seq (arrival counter)
--   m     hash   seq -> cmsgpack {id, group, dedup key, dead-letter source, sent_at, visible_at,
--                                 first_received_at, receive_count, delivery token}
--   e     hash   seq -> envelope bytes (written once, never rewritten)
--   new   zset   seq scored by visible_at, messages never received (delayed or visible)
--   rcv   zset   seq scored by visible_at, messages received at least once (in flight or back)
--   sent  zset   seq scored by sent_at (retention)
--   gm    zset   FIFO: <group prefix><seq>, all scores 0: each group's messages in order (lex)
--   gq    zset   FIFO: group id scored by the time the group can next be claimed
--   gd    hash   FIFO: group id -> 'seq,seq,...' handed out by the group's latest claim
--   dd    hash   FIFO: dedup key -> cmsgpack {first_seen, seq, message id}
--   ddt   zset   FIFO: dedup key scored by first_seen (pruning)
--   loose zset   standard: seq scored by visible_at, messages without a tenant (group id)
--   th    zset   standard: tenant scored by the earliest visible_at of its messages
--   heavy set    standard: tenants with at least NOISY_MIN_IN_FLIGHT received messages
-- and per tenant of a standard queue (named from the same base, so in the same hash slot):
--   t:<tenant>  zset  seq scored by visible_at, every message of the tenant
--   f:<tenant>  zset  seq scored by visible_at, its messages received at least once
-- A seq is the 20-digit text of 10^19 + n, so text order is arrival order; FIFO sequence numbers
-- are this text.

local QUEUE_KEY_COUNT = 14
-- Fair queues (sdk/include/sluice/sdk/types.hpp, kNoisyTenantMinInFlight and
-- kNoisyTenantInFlightPercent; a unit test checks these match): a tenant is noisy while it holds
-- at least NOISY_MIN_IN_FLIGHT messages in flight and more than NOISY_PERCENT % of the queue's.
local NOISY_MIN_IN_FLIGHT = 30
local NOISY_PERCENT = 10
local ID, GRP, DDK, DLS, SENT, VIS, FRT, RC, TOK = 1, 2, 3, 4, 5, 6, 7, 8, 9
local CHUNK = 16

local function int(x)
  return string.format('%d', x)
end

local function queue_keys(first)
  return {
    meta = KEYS[first], m = KEYS[first + 1], e = KEYS[first + 2], new = KEYS[first + 3],
    rcv = KEYS[first + 4], sent = KEYS[first + 5], gm = KEYS[first + 6], gq = KEYS[first + 7],
    gd = KEYS[first + 8], dd = KEYS[first + 9], ddt = KEYS[first + 10],
    loose = KEYS[first + 11], th = KEYS[first + 12], heavy = KEYS[first + 13],
    base = string.sub(KEYS[first], 1, -5), -- the queue's key prefix ("...:{q7}:"), without "meta"
  }
end

-- The queue at KEYS[first..] if it is still the queue `name` of generation `gen`, else nil (it was
-- deleted, or the caller's cached id is stale).
local function open_queue(first, name, gen)
  local q = queue_keys(first)
  local found = redis.call('HMGET', q.meta, 'name', 'gen', 'fifo')
  if found[1] ~= name or found[2] ~= gen then
    return nil
  end
  q.name = name
  q.fifo = found[3] == '1'
  return q
end

local function load(q, seq)
  local raw = redis.call('HGET', q.m, seq)
  if not raw then
    return nil
  end
  return cmsgpack.unpack(raw)
end

local function save(q, seq, r)
  redis.call('HSET', q.m, seq, cmsgpack.pack(r))
end

-- Standard queues: the index of a tenant's messages ('' = no tenant: the loose index), and of
-- its received ones.
local function tenant_key(q, tenant)
  if tenant == '' then
    return q.loose
  end
  return q.base .. 't:' .. tenant
end

local function flight_key(q, tenant)
  return q.base .. 'f:' .. tenant
end

-- Re-files a tenant after its messages changed: its head time in th, its place in heavy.
local function reindex_tenant(q, tenant)
  if tenant == '' then
    return
  end
  local head = redis.call('ZRANGE', tenant_key(q, tenant), 0, 0, 'WITHSCORES')
  if head[1] then
    redis.call('ZADD', q.th, head[2], tenant)
  else
    redis.call('ZREM', q.th, tenant)
  end
  if redis.call('ZCARD', flight_key(q, tenant)) >= NOISY_MIN_IN_FLIGHT then
    redis.call('SADD', q.heavy, tenant)
  else
    redis.call('SREM', q.heavy, tenant)
  end
end

-- Every per-tenant key of a standard queue (for purge and delete).
local function tenant_keys(q)
  local keys = {}
  for _, tenant in ipairs(redis.call('ZRANGE', q.th, 0, -1)) do
    keys[#keys + 1] = tenant_key(q, tenant)
    keys[#keys + 1] = flight_key(q, tenant)
  end
  for _, tenant in ipairs(redis.call('SMEMBERS', q.heavy)) do
    keys[#keys + 1] = flight_key(q, tenant)
  end
  return keys
end

local function group_prefix(gid)
  return string.format('%08x', #gid) .. gid
end

-- The group's messages in order, as ZRANGEBYLEX bounds.
local function group_range(gid)
  local gp = group_prefix(gid)
  return '[' .. gp, '[' .. gp .. '\255'
end

-- Files a new message `r` (its fields final) with envelope `env` as the newest arrival of `q`.
-- Returns its seq.
local function admit(q, r, env)
  local seq = string.format('1%019d', redis.call('HINCRBY', q.meta, 'seq', 1))
  save(q, seq, r)
  redis.call('HSET', q.e, seq, env)
  if r[RC] > 0 then
    redis.call('ZADD', q.rcv, int(r[VIS]), seq)
  else
    redis.call('ZADD', q.new, int(r[VIS]), seq)
  end
  redis.call('ZADD', q.sent, int(r[SENT]), seq)
  local gid = r[GRP]
  if q.fifo then
    redis.call('ZADD', q.gm, 0, group_prefix(gid) .. seq)
    -- A message queued behind others changes neither the group's head nor its lock.
    if not redis.call('ZSCORE', q.gq, gid) then
      redis.call('ZADD', q.gq, int(r[VIS]), gid)
    end
  else
    redis.call('ZADD', tenant_key(q, gid), int(r[VIS]), seq)
    if gid ~= '' then
      local head = redis.call('ZSCORE', q.th, gid)
      if not head or r[VIS] < tonumber(head) then
        redis.call('ZADD', q.th, int(r[VIS]), gid)
      end
    end
  end
  return seq
end

-- Removes message `seq` (record r) from every structure of `q` except its FIFO group's index
-- entry: the caller reindexes the group afterwards.
local function drop(q, seq, r)
  redis.call('HDEL', q.m, seq)
  redis.call('HDEL', q.e, seq)
  if r[RC] > 0 then
    redis.call('ZREM', q.rcv, seq)
  else
    redis.call('ZREM', q.new, seq)
  end
  redis.call('ZREM', q.sent, seq)
  if q.fifo then
    redis.call('ZREM', q.gm, group_prefix(r[GRP]) .. seq)
  else
    redis.call('ZREM', tenant_key(q, r[GRP]), seq)
    if r[GRP] ~= '' then
      redis.call('ZREM', flight_key(q, r[GRP]), seq)
      reindex_tenant(q, r[GRP])
    end
  end
end

-- Re-files FIFO group `gid` after its head or its handed-out messages changed: claimable at the
-- latest visible_at of its head and of the messages its latest claim handed out that still
-- exist; dropped from the index when empty. Returns that time, or nil for an empty group.
local function reindex_group(q, gid)
  local low, high = group_range(gid)
  local head = redis.call('ZRANGEBYLEX', q.gm, low, high, 'LIMIT', 0, 1)[1]
  if not head then
    redis.call('ZREM', q.gq, gid)
    redis.call('HDEL', q.gd, gid)
    return nil
  end
  local ready = load(q, string.sub(head, -20))[VIS]
  local held = redis.call('HGET', q.gd, gid)
  if held then
    local still = {}
    for seq in string.gmatch(held, '%d+') do
      local r = load(q, seq)
      if r then
        still[#still + 1] = seq
        if r[VIS] > ready then
          ready = r[VIS]
        end
      end
    end
    if #still > 0 then
      redis.call('HSET', q.gd, gid, table.concat(still, ','))
    else
      redis.call('HDEL', q.gd, gid)
    end
  end
  redis.call('ZADD', q.gq, int(ready), gid)
  return ready
end

local function reindex_groups(q, touched)
  local live = 0
  for gid, _ in pairs(touched) do
    if reindex_group(q, gid) then
      live = live + 1
    end
  end
  return live
end

-- Walks a sorted set in order, CHUNK entries per round trip into the set. The set must not change
-- while it is walked (scripts postpone their changes to it until the walk ends).
-- by_score: members with score <= max, with their scores; else members in the lex range.
local function walker(key, by_score, low, high)
  local w = { buf = {}, i = 1, off = 0, done = false }
  local step = by_score and 2 or 1
  function w.peek()
    if w.i > #w.buf then
      if w.done then
        return nil
      end
      if by_score then
        w.buf = redis.call('ZRANGEBYSCORE', key, '-inf', high, 'WITHSCORES', 'LIMIT', w.off, CHUNK)
      else
        w.buf = redis.call('ZRANGEBYLEX', key, low, high, 'LIMIT', w.off, CHUNK)
      end
      w.i = 1
      w.off = w.off + #w.buf / step
      if #w.buf < CHUNK * step then
        w.done = true
      end
      if #w.buf == 0 then
        return nil
      end
    end
    if by_score then
      return w.buf[w.i], tonumber(w.buf[w.i + 1])
    end
    return w.buf[w.i]
  end
  function w.skip()
    w.i = w.i + step
  end
  return w
end

-- The next of some score walkers in (score, member) order: the walker, its member and score, or
-- nil.
local function next_among(walkers)
  local best, member, score = nil, nil, nil
  for _, w in ipairs(walkers) do
    local m, s = w.peek()
    if m and (not best or s < score or (s == score and m < member)) then
      best, member, score = w, m, s
    end
  end
  return best, member, score
end

local function next_of(a, b)
  local w, m = next_among({ a, b })
  return w, m
end

-- Wakes long pollers of other brokers. `payload` is the publishing store's instance id (its own
-- broker already woke its pollers) or '*' (everyone must look).
local function wake(channel, payload)
  if channel ~= '' then
    redis.call('PUBLISH', channel, payload)
  end
end
