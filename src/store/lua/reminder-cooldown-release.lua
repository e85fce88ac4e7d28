-- reminder-cooldown-release: forgets the last reminder, if it is still the one of this push.
-- KEYS[1] cooldown: the group's last reminder of the task's period (JSON)
-- ARGV[1] key: the reminder's push key
local v = redis.call('GET', KEYS[1])
if v and cjson.decode(v).key == ARGV[1] then redis.call('DEL', KEYS[1]) end
return 0
