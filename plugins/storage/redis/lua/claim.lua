-- Claims up to ARGV[5] visible messages and makes them invisible until now + visibility, in one
-- atomic step; dead-letters messages already received max_receives times in the same step.
-- KEYS[1..14] the queue; KEYS[15..28] the dead-letter queue, only when dead-lettering is on.
-- ARGV[1] name, [2] generation, [3] now, [4] visibility ms, [5] max messages,
-- [6] in-flight limit (0 = none), [7] max receives (0 = no limit), [8] dead-letter queue name,
-- [9] its generation, [10] '1' if dead-lettering restarts sent_at, [11] its wake channel,
-- [12] most messages to dead-letter in this call, [13..] one fresh delivery token per message.
-- Returns {'NOQUEUE'}, {'DLQSTALE'} (the dead-letter queue is gone: resolve it again),
-- {'OVERLIMIT', in flight} or {'OK', dead-lettered count, then 10 per delivery: seq, message id,
-- envelope, group, dedup key, dead-letter source, sent_at, receive count, first received at,
-- delivery token}.
local q = open_queue(1, ARGV[1], ARGV[2])
if not q then
  return { 'NOQUEUE' }
end
local dlq = nil
if #KEYS > QUEUE_KEY_COUNT then
  dlq = open_queue(QUEUE_KEY_COUNT + 1, ARGV[8], ARGV[9])
  if not dlq then
    return { 'DLQSTALE' }
  end
end
local now, visibility = tonumber(ARGV[3]), tonumber(ARGV[4])
local budget, limit = tonumber(ARGV[5]), tonumber(ARGV[6])
local max_receives, resets_sent = tonumber(ARGV[7]), ARGV[10] == '1'
local dead_cap = tonumber(ARGV[12])

if limit > 0 then
  local in_flight = redis.call('ZCOUNT', q.rcv, '(' .. int(now), '+inf')
  if in_flight >= limit then
    return { 'OVERLIMIT', in_flight }
  end
  -- Never let one claim push the queue past its limit either.
  budget = math.min(budget, limit - in_flight)
end

local out = { 'OK', 0 }
local taken, dead = 0, 0
local delivered = {} -- {seq, group} whose index entries move after the walk
local buried = {} -- {seq, record} dead-lettered, dropped after the walk

local function wants_dead_letter(r)
  return dlq ~= nil and max_receives > 0 and r[RC] >= max_receives
end

local function dead_letter(seq, r)
  local env = redis.call('HGET', q.e, seq)
  local sent = r[SENT]
  if resets_sent then
    sent = now
  end
  admit(dlq, { r[ID], r[GRP], r[DDK], q.name, sent, now, 0, 0, '' }, env)
  buried[#buried + 1] = { seq, r }
  dead = dead + 1
end

local function deliver(seq, r)
  if r[RC] == 0 then
    r[FRT] = now
  end
  r[RC] = r[RC] + 1
  r[TOK] = ARGV[13 + taken]
  r[VIS] = now + visibility
  save(q, seq, r)
  taken = taken + 1
  delivered[#delivered + 1] = { seq, r[GRP] }
  local n = #out
  out[n + 1] = seq
  out[n + 2] = r[ID]
  out[n + 3] = redis.call('HGET', q.e, seq)
  out[n + 4] = r[GRP]
  out[n + 5] = r[DDK]
  out[n + 6] = r[DLS]
  out[n + 7] = r[SENT]
  out[n + 8] = r[RC]
  out[n + 9] = r[FRT]
  out[n + 10] = r[TOK]
end

-- Delivers or dead-letters one available message; returns whether it was delivered.
local function take(seq)
  local r = load(q, seq)
  if wants_dead_letter(r) then
    dead_letter(seq, r)
    return false
  end
  deliver(seq, r)
  return true
end

local touched = {}
if not q.fifo then
  local handled = {} -- seqs this claim delivered or dead-lettered (the indexes change at the end)
  -- Fair queues: when a tenant is noisy, every available message of the other tenants (and of no
  -- tenant) goes first, found through the tenants' own indexes: a noisy tenant's backlog is never
  -- walked. Only tenants in `heavy` can be noisy.
  local queue_in_flight = redis.call('ZCOUNT', q.rcv, '(' .. int(now), '+inf')
  local noisy, any_noisy = {}, false
  for _, tenant in ipairs(redis.call('SMEMBERS', q.heavy)) do
    local held = redis.call('ZCOUNT', flight_key(q, tenant), '(' .. int(now), '+inf')
    if held >= NOISY_MIN_IN_FLIGHT and held * 100 > queue_in_flight * NOISY_PERCENT then
      noisy[tenant] = true
      any_noisy = true
    end
  end
  if any_noisy then
    local streams = { walker(q.loose, true, nil, int(now)) }
    local tenants = walker(q.th, true, nil, int(now)) -- by each tenant's earliest visible_at
    while taken < budget and dead < dead_cap do
      local w, seq, score = next_among(streams)
      local tenant, head = tenants.peek()
      if tenant and (not w or head <= score) then
        -- This tenant's oldest message may come before every stream open so far.
        tenants.skip()
        if not noisy[tenant] then
          streams[#streams + 1] = walker(tenant_key(q, tenant), true, nil, int(now))
        end
      elseif w then
        w.skip()
        handled[seq] = true
        take(seq)
      else
        break
      end
    end
  end
  -- Oldest visible first: never-received and received messages merged by (visible_at, seq).
  local fresh = walker(q.new, true, nil, int(now))
  local again = walker(q.rcv, true, nil, int(now))
  while taken < budget and dead < dead_cap do
    local w, seq = next_of(fresh, again)
    if not w then
      break
    end
    w.skip()
    if not handled[seq] then
      take(seq)
    end
  end
else
  -- Claimable groups, earliest first; from each, consecutive visible messages from its head.
  local groups = walker(q.gq, true, nil, int(now))
  while taken < budget and dead < dead_cap do
    local gid = groups.peek()
    if not gid then
      break
    end
    groups.skip()
    touched[gid] = true
    local low, high = group_range(gid)
    local messages = walker(q.gm, false, low, high)
    local held = {}
    while taken < budget and dead < dead_cap do
      local member = messages.peek()
      if not member then
        break
      end
      messages.skip()
      local seq = string.sub(member, -20)
      local r = load(q, seq)
      if r[VIS] > now then
        break -- a message not yet visible holds back the rest of its group
      end
      if take(seq) then
        held[#held + 1] = seq
      end
    end
    -- The group was claimable, so whatever it handed out before has expired or is gone.
    if #held > 0 then
      redis.call('HSET', q.gd, gid, table.concat(held, ','))
    else
      redis.call('HDEL', q.gd, gid)
    end
  end
end

local until_ = int(now + visibility)
local tenants_touched = {}
for _, d in ipairs(delivered) do
  local seq, group = d[1], d[2]
  redis.call('ZREM', q.new, seq)
  redis.call('ZADD', q.rcv, until_, seq)
  if not q.fifo then
    redis.call('ZADD', tenant_key(q, group), until_, seq)
    if group ~= '' then
      redis.call('ZADD', flight_key(q, group), until_, seq)
      tenants_touched[group] = true
    end
  end
end
for _, b in ipairs(buried) do
  drop(q, b[1], b[2])
end
if q.fifo then
  reindex_groups(q, touched)
else
  for tenant, _ in pairs(tenants_touched) do
    reindex_tenant(q, tenant)
  end
end
if dead > 0 then
  wake(ARGV[11], '*')
end
out[2] = dead
return out
