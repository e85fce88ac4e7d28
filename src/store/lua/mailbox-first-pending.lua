#!lua
-- mailbox-first-pending: the id of the oldest alert past the cursor, '' when none.
-- KEYS[1] cursor: the id of the last alert delivered
-- KEYS[2] mailbox: stream, the group's alerts in the order of their events
local first = redis.call('XRANGE', KEYS[2], '(' .. (redis.call('GET', KEYS[1]) or '0'), '+', 'COUNT', 1)
if #first == 0 then return '' end
return first[1][1]
