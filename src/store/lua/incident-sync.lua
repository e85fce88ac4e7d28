-- incident-sync: brings a report's incident in line with the school's report in force. An
-- abnormal report opens one (the next number), or updates the open one with its new text (a
-- correction); the same report again changes nothing. No abnormal report in force (withdrawn,
-- corrected to 平安) notes that on the open incident and takes it off the open list. Answers
-- the incident's number ('0': none) and what was done: opened, updated, same, noted or none.
-- KEYS[1] seq: the deployment's counter of incident numbers
-- KEYS[2] by-report: hash `<task>:<period>:<school>` → the number of that report's latest incident
-- KEYS[3] open: sorted set number → when it opened (ms)
-- KEYS[4] of-school: sorted set number → when it opened (ms), the school's incidents
-- ARGV[1] prefix: of an incident's keys (`<prefix><n>` its hash, `<prefix><n>:steps` its steps), same hash tag
-- ARGV[2] ref: `<task>:<period>:<school>`
-- ARGV[3] args (JSON): school, task, period, at (ISO), atMs, ttl (s), by, msgid, keepFromMs (the
--         retention's edge); report when one is in force: { msgid, description, by, at, urgent };
--         noted when none: withdrawn or corrected
-- Opening one trims the school's incidents opened before the retention's edge from the lists
-- (the by-report entry, the school's set, the open set) as new ones come: none grows for good.
local P = ARGV[1]
local a = cjson.decode(ARGV[3])
local n = redis.call('HGET', KEYS[2], ARGV[2])
local key = n and (P .. n)
local status = n and redis.call('HGET', key, 'status')

local function step(num, s)
  local steps = P .. num .. ':steps'
  redis.call('RPUSH', steps, cjson.encode(s))
  redis.call('EXPIRE', steps, a.ttl)
  redis.call('EXPIRE', P .. num, a.ttl)
end

local r = a.report
if r then
  if n and redis.call('HGET', key, 'msgid') == r.msgid then return { n, 'same' } end
  if n and status == 'open' then
    redis.call('HSET', key, 'msgid', r.msgid, 'description', r.description, 'lastAt', r.at)
    if r.urgent then redis.call('HSET', key, 'urgent', '1') end
    step(n, { kind = 'update', by = r.by, at = r.at, text = r.description, msgid = r.msgid })
    return { n, 'updated' }
  end
  for _, old in ipairs(redis.call('ZRANGEBYSCORE', KEYS[4], '-inf', '(' .. a.keepFromMs)) do
    local ref = redis.call('HMGET', P .. old, 'task', 'period', 'school')
    if ref[1] then
      local oldRef = ref[1] .. ':' .. ref[2] .. ':' .. ref[3]
      if redis.call('HGET', KEYS[2], oldRef) == old then redis.call('HDEL', KEYS[2], oldRef) end
    end
    redis.call('ZREM', KEYS[3], old)
  end
  redis.call('ZREMRANGEBYSCORE', KEYS[4], '-inf', '(' .. a.keepFromMs)
  n = tostring(redis.call('INCR', KEYS[1]))
  key = P .. n
  redis.call('HSET', key, 'number', n, 'school', a.school, 'task', a.task, 'period', a.period,
    'msgid', r.msgid, 'description', r.description, 'by', r.by, 'at', r.at, 'lastAt', r.at,
    'status', 'open', 'urgent', r.urgent and '1' or '0', 'followUps', 0)
  redis.call('HSET', KEYS[2], ARGV[2], n)
  redis.call('ZADD', KEYS[3], a.atMs, n)
  redis.call('ZADD', KEYS[4], a.atMs, n)
  step(n, { kind = 'open', by = r.by, at = r.at, text = r.description, msgid = r.msgid })
  return { n, 'opened' }
end
if n and status == 'open' then
  redis.call('HSET', key, 'status', 'withdrawn', 'closedAt', a.at)
  redis.call('ZREM', KEYS[3], n)
  step(n, { kind = a.noted, by = a.by, at = a.at, msgid = a.msgid })
  return { n, 'noted' }
end
return { n or '0', 'none' }
