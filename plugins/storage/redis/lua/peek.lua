-- The oldest visible message of a queue: where a move without a destination must send it.
-- KEYS[1..14] the queue; ARGV[1] name, [2] generation, [3] now.
-- Returns {'NOQUEUE'}, {'EMPTY'} or {'OK', message id, dead-letter source}.
local q = open_queue(1, ARGV[1], ARGV[2])
if not q then
  return { 'NOQUEUE' }
end
local now = int(tonumber(ARGV[3]))
local _, seq = next_of(walker(q.new, true, nil, now), walker(q.rcv, true, nil, now))
if not seq then
  return { 'EMPTY' }
end
local r = load(q, seq)
return { 'OK', r[ID], r[DLS] }
