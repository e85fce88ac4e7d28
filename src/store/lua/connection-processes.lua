-- connection-processes: counts this process in (alive until now + ms, on Redis's clock) and
-- answers how many processes are alive, this one included.
-- KEYS[1] processes: sorted set process → until when it counts as alive (ms)
-- ARGV[1] owner: this process
-- ARGV[2] ms: how long it counts as alive unless it checks in again
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[1])
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return redis.call('ZCARD', KEYS[1])
