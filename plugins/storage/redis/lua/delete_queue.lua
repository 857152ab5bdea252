-- Deletes a queue and all its messages: the catalog record, the name and the queue's 14 keys
-- (UNLINK: Redis frees big keys in the background), per-tenant keys included. KEYS[1] catalog,
-- KEYS[2] name index, KEYS[3..16] the queue's keys; ARGV[1] name, [2] the queue id the caller resolved.
-- Returns {'NOQUEUE'}, {'STALE'} (the name now belongs to another queue id: resolve again) or
-- {'OK'}.
local raw = redis.call('HGET', KEYS[1], ARGV[1])
if not raw then
  return { 'NOQUEUE' }
end
local r = cmsgpack.unpack(raw)
if int(r[1]) ~= ARGV[2] then
  return { 'STALE' }
end
redis.call('HDEL', KEYS[1], ARGV[1])
redis.call('ZREM', KEYS[2], ARGV[1])
for _, key in ipairs(tenant_keys(queue_keys(3))) do
  redis.call('UNLINK', key)
end
for i = 3, 2 + QUEUE_KEY_COUNT do
  redis.call('UNLINK', KEYS[i])
end
return { 'OK' }
