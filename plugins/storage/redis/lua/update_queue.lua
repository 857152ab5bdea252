-- Replaces a queue's metadata if its version is still ARGV[2] (optimistic locking between
-- brokers), bumping the version. KEYS[1] catalog hash; ARGV[1] name, [2] expected version,
-- [3] metadata. Returns {'NOQUEUE'}, {'CONFLICT', found version} or
-- {'OK', qid, fifo, generation, version, metadata}.
local raw = redis.call('HGET', KEYS[1], ARGV[1])
if not raw then
  return { 'NOQUEUE' }
end
local r = cmsgpack.unpack(raw)
if int(r[4]) ~= ARGV[2] then
  return { 'CONFLICT', r[4] }
end
r[4] = r[4] + 1
r[5] = ARGV[3]
redis.call('HSET', KEYS[1], ARGV[1], cmsgpack.pack(r))
return { 'OK', r[1], r[2], r[3], r[4], r[5] }
