#!lua
-- recount-period: recounts a period's counts from its reports in force under the roster given,
-- in one step, so that a report recorded meanwhile is counted exactly once: one recorded before
-- the script is among those it recounts, one after it is counted on top by the record script.
-- Each report in force adds what its log entry says it counted, under its school's area now (and
-- the nodes above it); a
-- school the roster has not is counted nowhere and taken out of the ordered lists (汇总 shows
-- none of it). A reduced period (final reports, no log) is left as it is and answered
-- 'reduced': no report can come to it any more, so the caller may recount it from its reports.
-- Otherwise answers how many reports in force it counted.
-- KEYS[1] state: hash school code → its log ids, oldest first (a withdrawal's marked '-')
-- KEYS[2] log: stream, the period's audit log (type, school, event, counted)
-- KEYS[3] counts: hash '<counter>:<area>' → number
-- KEYS[4] reported: bitmap by school number, the schools with a report in force
-- KEYS[5] listed: hash school code → its abnormal report in force (JSON)
-- KEYS[6] on-behalf: sorted set school code → when its 代报 in force was made (ms)
-- KEYS[7] abnormal-at: sorted set school code → when its abnormal report in force was made (ms)
-- KEYS[8] resolved: set of the schools whose abnormal report was corrected
-- KEYS[9] remarked: sorted set school code → when its 平安 with a remark in force was made (ms)
-- KEYS[10] counted-under: the roster version the counts are kept under, or 'stale'
-- ARGV[1] the roster's version, which the counts are then kept under
-- ARGV[2..] the roster: each school's code, area, number and the keys of the nodes above its
--   area (tab-separated, '' for none), four arguments a school
-- #include lib/current-report.lua
-- #include lib/counted-pairs.lua
local state = redis.call('HGETALL', KEYS[1])
for i = 2, #state, 2 do
  if string.sub(state[i], 1, 1) == '{' then return 'reduced' end
end
local places = {}
for i = 2, #ARGV, 4 do places[ARGV[i]] = {ARGV[i + 1], tonumber(ARGV[i + 2]), ARGV[i + 3]} end
local ttl = redis.call('TTL', KEYS[2])
redis.call('DEL', KEYS[3], KEYS[4])
local counted = 0
for i = 1, #state, 2 do
  local school = state[i]
  local place = places[school]
  local fields = place and current(school)
  if type(fields) == 'table' then
    for _, pair in ipairs(countedPairs(field(fields, 'counted') or '', field(fields, 'event') or '')) do
      redis.call('HINCRBY', KEYS[3], pair[1] .. ':' .. place[1], pair[2])
      for node in string.gmatch(place[3], '[^\t]+') do redis.call('HINCRBY', KEYS[3], pair[1] .. ':' .. node, pair[2]) end
    end
    redis.call('SETBIT', KEYS[4], place[2], 1)
    counted = counted + 1
  end
end
for _, k in ipairs({6, 7, 9}) do
  for _, school in ipairs(redis.call('ZRANGE', KEYS[k], 0, -1)) do
    if not places[school] then redis.call('ZREM', KEYS[k], school) end
  end
end
for _, school in ipairs(redis.call('HKEYS', KEYS[5])) do
  if not places[school] then redis.call('HDEL', KEYS[5], school) end
end
for _, school in ipairs(redis.call('SMEMBERS', KEYS[8])) do
  if not places[school] then redis.call('SREM', KEYS[8], school) end
end
redis.call('SET', KEYS[10], ARGV[1])
if ttl > 0 then
  for _, i in ipairs({3, 4, 10}) do redis.call('EXPIRE', KEYS[i], ttl) end
end
return counted
