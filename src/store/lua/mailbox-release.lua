#!lua
-- mailbox-release: gives the lease back, and advances the cursor to the last alert delivered
-- (dropping those before it).
-- KEYS[1] lease: the token of the turn delivering
-- KEYS[2] cursor: the id of the last alert delivered
-- KEYS[3] mailbox: stream, the group's alerts in the order of their events
-- ARGV[1] token: this turn's token ('' to keep the lease)
-- ARGV[2] cursor: the last alert delivered ('' to keep the cursor)
-- ARGV[3] ttl: seconds the cursor is kept
if ARGV[2] ~= '' then
  redis.call('SET', KEYS[2], ARGV[2], 'EX', tonumber(ARGV[3]))
  redis.call('XTRIM', KEYS[3], 'MINID', ARGV[2])
end
if ARGV[1] ~= '' and redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end
return 0
