-- Moves up to ARGV[6] visible messages, oldest first, from one queue to another, atomically
-- (never in both, never in none). With ARGV[7] ~= '' it stops before the first message whose
-- dead-letter source is not ARGV[7] (returning messages to their sources, one source at a time).
-- Moved messages keep id, envelope, group, dedup key and sent_at and restart: receive count 0,
-- no dead-letter source, visible at now.
-- KEYS[1..14] the source, KEYS[15..28] the destination. ARGV[1] source name, [2] its generation,
-- [3] destination name, [4] its generation, [5] now, [6] max, [7] required dead-letter source,
-- [8] the destination's wake channel.
-- Returns {'NOQUEUE'} (source gone), {'NODEST'} (destination gone) or
-- {'OK', moved, 'EMPTY' | 'MAX' | 'OTHER'}.
local src = open_queue(1, ARGV[1], ARGV[2])
if not src then
  return { 'NOQUEUE' }
end
local dst = open_queue(QUEUE_KEY_COUNT + 1, ARGV[3], ARGV[4])
if not dst then
  return { 'NODEST' }
end
local now, max, only_from = tonumber(ARGV[5]), tonumber(ARGV[6]), ARGV[7]
local moved, stop = 0, 'MAX'
local touched = {}
while moved < max do
  -- Each move drops the message from the indexes walked, so a fresh walk starts at the next one.
  local _, seq = next_of(walker(src.new, true, nil, int(now)), walker(src.rcv, true, nil, int(now)))
  if not seq then
    stop = 'EMPTY'
    break
  end
  local r = load(src, seq)
  if only_from ~= '' and r[DLS] ~= only_from then
    stop = 'OTHER'
    break
  end
  local env = redis.call('HGET', src.e, seq)
  drop(src, seq, r)
  if src.fifo then
    touched[r[GRP]] = true
  end
  admit(dst, { r[ID], r[GRP], r[DDK], '', r[SENT], now, 0, 0, '' }, env)
  moved = moved + 1
end
if src.fifo then
  reindex_groups(src, touched)
end
if moved > 0 then
  wake(ARGV[8], '*')
end
return { 'OK', moved, stop }
