-- Reads one catalog record. KEYS[1] catalog hash; ARGV[1] name.
-- Returns {} when absent, else {qid, fifo ('1'/'0'), generation, version, metadata}.
local raw = redis.call('HGET', KEYS[1], ARGV[1])
if not raw then
  return {}
end
local r = cmsgpack.unpack(raw)
return { r[1], r[2], r[3], r[4], r[5] }
