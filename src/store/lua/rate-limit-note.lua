-- rate-limit-note: records a message that already went out (at now), whatever the windows hold,
-- and answers the fewest places still free in any window after it.
-- KEYS[1] window: sorted set slot id → when its message reached WeCom at the latest (ms)
-- ARGV[1] slot: the slot's id
-- ARGV[2..n] windows: (limit, window ms) pairs
-- #include lib/now-ms.lua
local longest = 0
for i = 2, #ARGV, 2 do longest = math.max(longest, tonumber(ARGV[i + 1])) end
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - longest)
redis.call('ZADD', KEYS[1], now, ARGV[1])
redis.call('PEXPIRE', KEYS[1], longest + 1000)
local left = nil
for i = 2, #ARGV, 2 do
  local free = tonumber(ARGV[i]) - redis.call('ZCOUNT', KEYS[1], '(' .. (now - tonumber(ARGV[i + 1])), '+inf')
  if left == nil or free < left then left = free end
end
return math.max(left, 0)
