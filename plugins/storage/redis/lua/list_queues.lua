-- One page of queues whose names start with ARGV[1], after ARGV[2] (a page token: the last name
-- of the previous page, or ''), at most ARGV[3] of them, in ascending name order.
-- KEYS[1] catalog hash, KEYS[2] name index. Returns {next token or '', then 5 fields per queue:
-- name, fifo, generation, version, metadata}.
local prefix, token, max = ARGV[1], ARGV[2], tonumber(ARGV[3])
local low = '-'
if token ~= '' and token >= prefix then
  low = '(' .. token
elseif prefix ~= '' then
  low = '[' .. prefix
end
local names = redis.call('ZRANGEBYLEX', KEYS[2], low, '+', 'LIMIT', 0, max + 1)
local out = { '' }
local count = 0
for _, name in ipairs(names) do
  if string.sub(name, 1, #prefix) ~= prefix then
    break
  end
  if count == max then
    out[1] = out[#out - 4]
    break
  end
  local raw = redis.call('HGET', KEYS[1], name)
  if raw then
    local r = cmsgpack.unpack(raw)
    out[#out + 1] = name
    out[#out + 1] = r[2]
    out[#out + 1] = r[3]
    out[#out + 1] = r[4]
    out[#out + 1] = r[5]
    count = count + 1
  end
end
return out
