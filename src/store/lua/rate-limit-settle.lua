-- rate-limit-settle: moves a reserved slot to now, once its request has come back.
-- KEYS[1] window: sorted set slot id → when its message reached WeCom at the latest (ms)
-- ARGV[1] slot: the slot's id
-- #include lib/now-ms.lua
redis.call('ZADD', KEYS[1], 'XX', now, ARGV[1])
return 0
