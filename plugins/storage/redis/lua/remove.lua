-- Deletes the messages of current receipts. KEYS[1..14] the queue. ARGV[1] name,
-- [2] generation, [3] wake channel, then 2 per receipt: seq, delivery token.
-- Returns {'NOQUEUE'} or {'OK', then one code per receipt: 0 removed, 1 already gone,
-- 2 superseded by a later delivery (or never delivered)}.
local q = open_queue(1, ARGV[1], ARGV[2])
if not q then
  return { 'NOQUEUE' }
end
local out = { 'OK' }
local touched = {}
local any = false
for i = 4, #ARGV, 2 do
  local seq, token = ARGV[i], ARGV[i + 1]
  local r = load(q, seq)
  if not r then
    out[#out + 1] = 1
  elseif r[TOK] ~= token then
    out[#out + 1] = 2
  else
    drop(q, seq, r)
    if q.fifo then
      touched[r[GRP]] = true
      any = true
    end
    out[#out + 1] = 0
  end
end
-- A FIFO group whose in-flight message went away may be claimable now: tell every broker.
if any and reindex_groups(q, touched) > 0 then
  wake(ARGV[3], '*')
end
return out
