-- connection-lease-acquire: takes the long connection's lease when nobody holds it, with the
-- next fencing token. Answers the token, 0 while another process holds the lease.
-- KEYS[1] lease: the lease, '<fence>|<owner>'
-- KEYS[2] fence: the fencing counter (it only ever grows)
-- ARGV[1] owner: the process taking it
-- ARGV[2] ms: how long the lease lasts unless renewed
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
local fence = redis.call('INCR', KEYS[2])
redis.call('SET', KEYS[1], fence .. '|' .. ARGV[1], 'PX', ARGV[2])
return fence
