-- connection-outbox-forget: forgets a holder that has not taken for a while, once its taken list
-- is empty. Answers 1 when it forgot it, else 0.
-- KEYS[1] takers: sorted set fence → when that holder last took (ms)
-- KEYS[2] taken: list, the frames that holder took and has not finished
-- ARGV[1] fence: the holder's fencing token
-- ARGV[2] idle: ms without a take after which it is forgotten
-- #include lib/now-ms.lua
local last = redis.call('ZSCORE', KEYS[1], ARGV[1])
if not last or tonumber(last) > now - tonumber(ARGV[2]) or redis.call('LLEN', KEYS[2]) > 0 then return 0 end
redis.call('ZREM', KEYS[1], ARGV[1])
return 1
