-- push-part-claim: claims a part of a push for sending unless it was sent or someone else is
-- sending it right now. Answers {'claimed', 0}, or the part's state and the ms its lease has left.
-- KEYS[1] part: the part's state: 'sending:<claim>' (a lease), 'sent' or 'failed:<why>'
-- ARGV[1] claim: this sender's claim
-- ARGV[2] ms: how long the lease lasts
local v = redis.call('GET', KEYS[1])
if v and string.sub(v, 1, 7) ~= 'failed:' then
  return {v, redis.call('PTTL', KEYS[1])}
end
redis.call('SET', KEYS[1], 'sending:' .. ARGV[1], 'PX', ARGV[2])
return {'claimed', 0}
