-- connection-lease-release: gives the lease up if it is still this holder's.
-- KEYS[1] lease: the lease, '<fence>|<owner>'
-- ARGV[1] value: the lease as this holder took it
if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end
return 0
