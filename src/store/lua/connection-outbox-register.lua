-- connection-outbox-register: notes that a holder is about to take: its taken list is looked at
-- until it has been idle a while.
-- KEYS[1] takers: sorted set fence → when that holder last took (ms)
-- ARGV[1] fence: the holder's fencing token
-- #include lib/now-ms.lua
redis.call('ZADD', KEYS[1], now, ARGV[1])
return 0
