-- release-lease: gives a lease up if it is still this holder's (compare and delete).
-- KEYS[1] lease: the key holding the lease
-- ARGV[1] value: the value this holder set it to
if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end
return 0
