-- connection-outbox-promote: moves the retries that are due to the front of the outbox, the
-- earliest due first. Answers how many it moved.
-- KEYS[1] retries: sorted set frame → when it is due (ms)
-- KEYS[2] outbox: list, the frames waiting for the holder
-- #include lib/now-ms.lua
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now, 'LIMIT', 0, 100)
for i = #due, 1, -1 do
  redis.call('RPUSH', KEYS[2], due[i])
  redis.call('ZREM', KEYS[1], due[i])
end
return #due
