-- Deletes up to ARGV[4] messages sent before ARGV[3], oldest first, whatever their state.
-- KEYS[1..14] the queue; ARGV[1] name, [2] generation, [3] cutoff, [4] batch size,
-- [5] wake channel. Returns {'NOQUEUE'} or {'OK', deleted, 1 if more may be left else 0}.
local q = open_queue(1, ARGV[1], ARGV[2])
if not q then
  return { 'NOQUEUE' }
end
local batch = tonumber(ARGV[4])
local seqs = redis.call('ZRANGEBYSCORE', q.sent, '-inf', '(' .. int(tonumber(ARGV[3])), 'LIMIT', 0,
  batch)
local touched = {}
for _, seq in ipairs(seqs) do
  local r = load(q, seq)
  if r then
    drop(q, seq, r)
    if q.fifo then
      touched[r[GRP]] = true
    end
  else
    redis.call('ZREM', q.sent, seq)
  end
end
if q.fifo and reindex_groups(q, touched) > 0 then
  wake(ARGV[5], '*')
end
return { 'OK', #seqs, #seqs == batch and 1 or 0 }
