-- Appends a batch of messages atomically, deduplicating FIFO messages within the window.
-- KEYS[1..14] the queue. ARGV[1] name, [2] generation, [3] now, [4] dedup window ms,
-- [5] wake channel, [6] this store's instance id, then 6 per message: message id, envelope,
-- sent_at, visible_at, group id, dedup key.
-- Returns {'NOQUEUE'} or {'OK', then 3 per message: message id, seq, 1 if a duplicate else 0}.
local q = open_queue(1, ARGV[1], ARGV[2])
if not q then
  return { 'NOQUEUE' }
end
local now, window = tonumber(ARGV[3]), tonumber(ARGV[4])

-- Forget dedup keys whose window has passed, oldest first, a bounded number per append.
if q.fifo then
  local stale = redis.call('ZRANGEBYSCORE', q.ddt, '-inf', int(now - window), 'LIMIT', 0, 256)
  for _, key in ipairs(stale) do
    redis.call('HDEL', q.dd, key)
    redis.call('ZREM', q.ddt, key)
  end
end

local out = { 'OK' }
local fresh = 0
for i = 7, #ARGV, 6 do
  local id, env, sent, vis, gid, ddk =
    ARGV[i], ARGV[i + 1], tonumber(ARGV[i + 2]), tonumber(ARGV[i + 3]), ARGV[i + 4], ARGV[i + 5]
  local original = nil
  if q.fifo and ddk ~= '' then
    local raw = redis.call('HGET', q.dd, ddk)
    if raw then
      local o = cmsgpack.unpack(raw)
      -- Within the window means strictly before first_seen + window.
      if now < o[1] + window then
        original = o
      end
    end
  end
  if original then
    out[#out + 1] = original[3]
    out[#out + 1] = original[2]
    out[#out + 1] = 1
  else
    local seq = admit(q, { id, gid, ddk, '', sent, vis, 0, 0, '' }, env)
    if q.fifo and ddk ~= '' then
      redis.call('HSET', q.dd, ddk, cmsgpack.pack({ now, seq, id }))
      redis.call('ZADD', q.ddt, int(now), ddk)
    end
    out[#out + 1] = id
    out[#out + 1] = seq
    out[#out + 1] = 0
    fresh = fresh + 1
  end
end
if fresh > 0 then
  wake(ARGV[5], ARGV[6])
end
return out
