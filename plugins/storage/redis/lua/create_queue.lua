-- Creates a queue: its catalog record and its meta key, atomically.
-- KEYS[1] catalog hash (name -> cmsgpack {qid, fifo, gen, version, metadata}), KEYS[2] name index
-- (zset, all scores 0), KEYS[3..16] the new queue's keys (its id was taken with INCR beforehand).
-- ARGV[1] name, [2] '1' for FIFO, [3] generation (decimal text), [4] metadata, [5] queue id.
-- Returns {'EXISTS'} or {'OK'}.
if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 1 then
  return { 'EXISTS' }
end
local qid = tonumber(ARGV[5])
redis.call('HSET', KEYS[1], ARGV[1], cmsgpack.pack({ qid, ARGV[2], ARGV[3], 1, ARGV[4] }))
redis.call('ZADD', KEYS[2], 0, ARGV[1])
-- Ids are never reused, so these keys are new; clear them anyway in case a wiped counter was
-- reset while old keys remained.
for i = 3, 2 + QUEUE_KEY_COUNT do
  redis.call('UNLINK', KEYS[i])
end
redis.call('HSET', KEYS[3], 'name', ARGV[1], 'gen', ARGV[3], 'fifo', ARGV[2], 'seq', 0)
return { 'OK' }
