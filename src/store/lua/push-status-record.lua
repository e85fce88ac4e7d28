-- push-status-record: stores a result of a push to a group in one step for the whole hash: field
-- '<group>' holds the last result, '<group>:<count>' the counts, '<group>:failing' the open
-- failure (a success closes it), and '<group>:waiting' the alerts being retried (closed when
-- alerts are delivered or lost, never by another push). Answers the failed tries of the waiting
-- alerts, 0 when none wait.
-- KEYS[1] status: hash, the push results by group
-- ARGV[1] group: the group's id
-- ARGV[2] result: the result (JSON)
-- ARGV[3] count: the counter it adds to (sent, retried, failed)
-- ARGV[4] outcome: sent, retry or failed
-- ARGV[5] lost: the kind of the push it lost ('' when none is lost)
-- ARGV[6] alerts: the alerts it carried ('' when not alerts)
local key, group = KEYS[1], ARGV[1]
redis.call('HSET', key, group, ARGV[2])
redis.call('HINCRBY', key, group .. ':' .. ARGV[3], 1)
if ARGV[4] == 'sent' then
  redis.call('HDEL', key, group .. ':failing')
elseif ARGV[4] == 'failed' then
  local open = redis.call('HGET', key, group .. ':failing')
  local failure = cjson.decode(ARGV[2])
  failure['outcome'] = nil
  failure['lost'] = open and cjson.decode(open)['lost'] or {}
  if ARGV[5] ~= '' then failure['lost'][ARGV[5]] = (failure['lost'][ARGV[5]] or 0) + 1 end
  redis.call('HSET', key, group .. ':failing', cjson.encode(failure))
end
if ARGV[6] == '' then return 0 end
if ARGV[4] ~= 'retry' then
  redis.call('HDEL', key, group .. ':waiting')
  return 0
end
local open = redis.call('HGET', key, group .. ':waiting')
local waiting = cjson.decode(ARGV[2])
waiting['outcome'] = nil
waiting['since'] = open and cjson.decode(open)['since'] or waiting['at']
waiting['tries'] = (open and cjson.decode(open)['tries'] or 0) + 1
waiting['alerts'] = tonumber(ARGV[6])
redis.call('HSET', key, group .. ':waiting', cjson.encode(waiting))
return waiting['tries']
