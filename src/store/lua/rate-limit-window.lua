-- rate-limit-window: Redis's time now and the slots of the last window, read only. Answers now
-- (ms), then the slots' times.
-- KEYS[1] window: sorted set slot id → when its message reached WeCom at the latest (ms)
-- ARGV[1] ms: the window's length
-- #include lib/now-ms.lua
local scores = redis.call('ZRANGEBYSCORE', KEYS[1], '(' .. (now - tonumber(ARGV[1])), '+inf', 'WITHSCORES')
local out = {tostring(now)}
for i = 2, #scores, 2 do out[#out + 1] = scores[i] end
return out
