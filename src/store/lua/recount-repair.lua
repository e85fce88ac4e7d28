#!lua
-- recount-repair: rewrites a period's counts from a recount, unless a report was recorded since
-- the recount read the reports (the audit log's last id moved): then nothing is written and the
-- caller recounts again. Answers 1 when it wrote them, else 0.
-- KEYS[1] log: stream, the period's audit log
-- KEYS[2] counts: hash '<counter>:<area>' → number
-- KEYS[3] reported: bitmap by school number
-- KEYS[4] listed: hash school code → its abnormal report in force (JSON)
-- KEYS[5] on-behalf: sorted set school code → when its 代报 in force was made (ms)
-- KEYS[6] abnormal-at: sorted set school code → when its abnormal report in force was made (ms)
-- KEYS[7] resolved: set of the schools whose abnormal report was corrected
-- KEYS[8] remarked: sorted set school code → when its 平安 with a remark in force was made (ms)
-- ARGV[1] last: the log's last id as the recount read it ('' for none)
-- ARGV[2..] sections: six, each its length and its items: counts field/value pairs, reported bit
--   numbers, on-behalf score/school pairs, abnormal-at score/school pairs, resolved schools,
--   remarked score/school pairs
-- ARGV[..n] listed: school/report pairs, to the end
local last = redis.call('XREVRANGE', KEYS[1], '+', '-', 'COUNT', 1)
if (last[1] and last[1][1] or '') ~= ARGV[1] then return 0 end
local ttl = redis.call('TTL', KEYS[1])
for i = 2, 8 do redis.call('DEL', KEYS[i]) end
local at = 2
local function section()
  local n = tonumber(ARGV[at])
  local first = at + 1
  at = at + 1 + n
  return first, at - 1
end
local a, b = section()
for i = a, b, 2 do redis.call('HSET', KEYS[2], ARGV[i], ARGV[i + 1]) end
a, b = section()
for i = a, b do redis.call('SETBIT', KEYS[3], tonumber(ARGV[i]), 1) end
a, b = section()
for i = a, b, 2 do redis.call('ZADD', KEYS[5], tonumber(ARGV[i]), ARGV[i + 1]) end
a, b = section()
for i = a, b, 2 do redis.call('ZADD', KEYS[6], tonumber(ARGV[i]), ARGV[i + 1]) end
a, b = section()
for i = a, b do redis.call('SADD', KEYS[7], ARGV[i]) end
a, b = section()
for i = a, b, 2 do redis.call('ZADD', KEYS[8], tonumber(ARGV[i]), ARGV[i + 1]) end
for i = at, #ARGV, 2 do redis.call('HSET', KEYS[4], ARGV[i], ARGV[i + 1]) end
if ttl > 0 then
  for i = 2, 8 do redis.call('EXPIRE', KEYS[i], ttl) end
end
return 1
