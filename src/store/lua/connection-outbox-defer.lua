-- connection-outbox-defer: moves a taken frame to the retries, due in a while, if it is still
-- taken. Answers 1, or 0 when it was not.
-- KEYS[1] taken: list, the frames this holder took and has not finished
-- KEYS[2] retries: sorted set frame → when it is due (ms)
-- ARGV[1] raw: the frame as taken
-- ARGV[2] retried: the frame as it is retried
-- ARGV[3] delay: ms until it is due
-- #include lib/now-ms.lua
if redis.call('LREM', KEYS[1], 1, ARGV[1]) == 0 then return 0 end
redis.call('ZADD', KEYS[2], now + tonumber(ARGV[3]), ARGV[2])
return 1
