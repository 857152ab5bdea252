-- Moves the visible_at of in-flight deliveries. KEYS[1..14] the queue. ARGV[1] name,
-- [2] generation, [3] now, [4] wake channel, [5] this store's instance id, then 3 per change:
-- seq, delivery token, new visible_at.
-- Returns {'NOQUEUE'} or {'OK', then one code per change: 0 changed, 1 message gone,
-- 2 superseded (or never delivered), 3 not in flight (its visibility already expired)}.
local q = open_queue(1, ARGV[1], ARGV[2])
if not q then
  return { 'NOQUEUE' }
end
local now = tonumber(ARGV[3])
local out = { 'OK' }
local touched = {}
local released = false
for i = 6, #ARGV, 3 do
  local seq, token, until_ = ARGV[i], ARGV[i + 1], tonumber(ARGV[i + 2])
  local r = load(q, seq)
  if not r then
    out[#out + 1] = 1
  elseif r[TOK] ~= token then
    out[#out + 1] = 2
  elseif now >= r[VIS] then
    out[#out + 1] = 3
  else
    r[VIS] = until_
    save(q, seq, r)
    redis.call('ZADD', q.rcv, int(until_), seq)
    if q.fifo then
      touched[r[GRP]] = true
    else
      redis.call('ZADD', tenant_key(q, r[GRP]), int(until_), seq)
      if r[GRP] ~= '' then
        redis.call('ZADD', flight_key(q, r[GRP]), int(until_), seq)
        reindex_tenant(q, r[GRP])
      end
    end
    if until_ <= now then
      released = true
    end
    out[#out + 1] = 0
  end
end
if q.fifo then
  reindex_groups(q, touched)
end
if released then
  wake(ARGV[4], ARGV[5])
end
return out
