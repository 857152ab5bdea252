-- Visible, in-flight and delayed counts at ARGV[3]: rank lookups in the two visibility indexes
-- (O(log n)), never a scan. KEYS[1..14] the queue; ARGV[1] name, [2] generation, [3] now.
-- Returns {'NOQUEUE'} or {'OK', visible, in flight, delayed}.
local q = open_queue(1, ARGV[1], ARGV[2])
if not q then
  return { 'NOQUEUE' }
end
local now = int(tonumber(ARGV[3]))
local fresh_visible = redis.call('ZCOUNT', q.new, '-inf', now)
local again_visible = redis.call('ZCOUNT', q.rcv, '-inf', now)
local in_flight = redis.call('ZCOUNT', q.rcv, '(' .. now, '+inf')
local delayed = redis.call('ZCOUNT', q.new, '(' .. now, '+inf')
return { 'OK', fresh_visible + again_visible, in_flight, delayed }
