#!lua
-- mailbox-add: adds an alert to a group's mailbox once (by its idempotency key). Answers its
-- stream id, '' when it was there already.
-- KEYS[1] mailbox: stream, the group's alerts in the order of their events
-- KEYS[2] seen: set of the idempotency keys already added
-- ARGV[1] key: the alert's idempotency key
-- ARGV[2] push: the alert (JSON)
-- ARGV[3] ttl: seconds both are kept
if redis.call('SADD', KEYS[2], ARGV[1]) == 0 then return '' end
redis.call('EXPIRE', KEYS[2], tonumber(ARGV[3]))
local id = redis.call('XADD', KEYS[1], '*', 'push', ARGV[2])
redis.call('EXPIRE', KEYS[1], tonumber(ARGV[3]))
return id
