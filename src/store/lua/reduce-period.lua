#!lua
-- reduce-period: reduces a period past the retention to its final state, a slice of schools per
-- call so Redis is never held long: each school's state becomes its report in force (packed), a
-- withdrawn one's goes; with the last slice the audit log, msgids, replies and outbox go, and
-- what remains (state, counts, reported bitmap, abnormal and 代报 reports in force, each school's
-- last abnormal report, so a corrected incident still shows) is kept for good.
-- Answers the next cursor ('0': done).
-- KEYS[1..13] the period's keys, as record-report.lua names them
-- ARGV[1] cursor: where the HSCAN of the state hash goes on ('0' to begin)
-- ARGV[2] count: schools per call
-- #include lib/current-report.lua
local scan = redis.call('HSCAN', KEYS[1], ARGV[1], 'COUNT', tonumber(ARGV[2]))
local values = scan[2]
for i = 1, #values, 2 do
  local school, value = values[i], values[i + 1]
  if string.sub(value, 1, 1) ~= '{' then
    local fields = current(school)
    if type(fields) == 'table' then
      redis.call('HSET', KEYS[1], school, field(fields, 'event'))
    else
      redis.call('HDEL', KEYS[1], school)
    end
  end
end
if scan[1] == '0' then
  for _, i in ipairs({2, 3, 5, 6}) do redis.call('DEL', KEYS[i]) end
  for _, i in ipairs({1, 4, 7, 8, 9, 10, 11, 12, 13}) do redis.call('PERSIST', KEYS[i]) end
end
return scan[1]
