#!lua
-- mailbox-lease: takes or extends the lease on delivering a group's alerts. Answers 0, or the ms
-- another turn's lease has left.
-- KEYS[1] lease: the token of the turn delivering
-- ARGV[1] token: this turn's token
-- ARGV[2] ms: how long the lease lasts
local holder = redis.call('GET', KEYS[1])
if holder and holder ~= ARGV[1] then return redis.call('PTTL', KEYS[1]) end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return 0
