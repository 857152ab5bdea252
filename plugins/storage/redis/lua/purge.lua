-- Deletes every message of a queue, keeping its arrival counter (so receipts of purged messages
-- read as gone) and its dedup records (they outlive purges). KEYS[1..14] the queue;
-- ARGV[1] name, [2] generation. Returns {'NOQUEUE'} or {'OK', messages deleted}.
local q = open_queue(1, ARGV[1], ARGV[2])
if not q then
  return { 'NOQUEUE' }
end
local count = redis.call('HLEN', q.m)
for _, key in ipairs(tenant_keys(q)) do
  redis.call('UNLINK', key)
end
for _, key in ipairs({ q.m, q.e, q.new, q.rcv, q.sent, q.gm, q.gq, q.gd, q.loose, q.th, q.heavy }) do
  redis.call('UNLINK', key)
end
return { 'OK', count }
