-- reminder-cooldown-claim: records a reminder as the group's last, unless another one (with
-- another push key) was recorded less than the cooldown before it. Answers the last reminder
-- (JSON) that refuses it, or false when recorded.
-- KEYS[1] cooldown: the group's last reminder of the task's period (JSON)
-- ARGV[1] record: this reminder (JSON)
-- ARGV[2] ms: the cooldown
-- ARGV[3] key: this reminder's push key
-- ARGV[4] force: '1' to record it regardless
-- ARGV[5] at: when it was asked for (ms, the service's clock)
local v = redis.call('GET', KEYS[1])
if v and ARGV[4] ~= '1' then
  local last = cjson.decode(v)
  if last.key ~= ARGV[3] and tonumber(ARGV[5]) - tonumber(last.at) < tonumber(ARGV[2]) then return v end
end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return false
