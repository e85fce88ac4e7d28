-- rate-limit-reserve: records a send for a webhook if it fits every window, or records nothing.
-- A slot's score is the latest moment its message can have reached WeCom; it frees a window
-- after that, so any two sends `limit` slots apart reach WeCom at least a window apart.
-- Answers the ms until a slot frees in the window that frees last (> 0, nothing recorded), or,
-- recorded, minus the fewest places still free in any window (≤ 0).
-- KEYS[1] window: sorted set slot id → when its message reached WeCom at the latest (ms)
-- ARGV[1] inflight: ms a reserved send may still take to reach WeCom
-- ARGV[2] slot: the slot's id
-- ARGV[3..n] windows: (limit, window ms) pairs; a send must fit each
-- #include lib/now-ms.lua
local inflight = tonumber(ARGV[1])
local longest = 0
for i = 3, #ARGV, 2 do longest = math.max(longest, tonumber(ARGV[i + 1])) end
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - longest)
local wait = 0
for i = 3, #ARGV, 2 do
  local limit = tonumber(ARGV[i])
  local window = tonumber(ARGV[i + 1])
  local since = '(' .. (now - window)
  local count = redis.call('ZCOUNT', KEYS[1], since, '+inf')
  if count >= limit then
    local blocking = redis.call('ZRANGEBYSCORE', KEYS[1], since, '+inf', 'WITHSCORES', 'LIMIT', count - limit, 1)
    wait = math.max(wait, tonumber(blocking[2]) + window - now)
  end
end
if wait > 0 then return math.max(wait, 1) end
redis.call('ZADD', KEYS[1], now + inflight, ARGV[2])
redis.call('PEXPIRE', KEYS[1], longest + inflight + 1000)
local left = nil
for i = 3, #ARGV, 2 do
  local free = tonumber(ARGV[i]) - redis.call('ZCOUNT', KEYS[1], '(' .. (now - tonumber(ARGV[i + 1])), '+inf')
  if left == nil or free < left then left = free end
end
return -math.max(left, 0)
