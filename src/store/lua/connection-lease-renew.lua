-- connection-lease-renew: extends the lease if it is still this holder's. Answers 1, or 0 when it is not.
-- KEYS[1] lease: the lease, '<fence>|<owner>'
-- ARGV[1] value: the lease as this holder took it
-- ARGV[2] ms: how long it lasts from now
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return 1
