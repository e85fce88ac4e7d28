-- reminder-cooldown-eta: adds the expected send time to the last reminder, if it is still the
-- one of this push. Answers 1, or 0 when it is not.
-- KEYS[1] cooldown: the group's last reminder of the task's period (JSON)
-- ARGV[1] key: the reminder's push key
-- ARGV[2] eta: when it is expected to go out (ms)
local v = redis.call('GET', KEYS[1])
if not v then return 0 end
local last = cjson.decode(v)
if last.key ~= ARGV[1] then return 0 end
last.eta = tonumber(ARGV[2])
redis.call('SET', KEYS[1], cjson.encode(last), 'KEEPTTL')
return 1
