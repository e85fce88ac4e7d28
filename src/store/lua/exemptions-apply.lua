-- exemptions-apply: applies one message to a school's exemptions of a task, idempotent per message and school, with its
-- audit event. Answers {'duplicate', ''}, or 'ok' and the 1-based indexes of the periods whose
-- field was new ('set') or existed ('del'), comma-separated.
-- KEYS[1] log: stream, the task's exemption events
-- KEYS[2] msgids: set of the messages already applied, each with its school
-- KEYS[3..n] periods: hash school code → exemption (JSON), one per period
-- ARGV[1] msgid: the message's id and the school's code, tab-separated
-- ARGV[2] op: 'set' to exempt (an existing exemption takes the new one: its reason), 'add' to
--   exempt leaving an existing exemption as it is (a message that gives no reason), 'del' to revoke
-- ARGV[3] ttl: seconds every key is kept
-- ARGV[4] school: the school's code
-- ARGV[5] event: the audit event (JSON)
-- ARGV[6..n] exemptions: for 'set' and 'add', the exemption (JSON) of each period, in KEYS' order
if redis.call('SADD', KEYS[2], ARGV[1]) == 0 then return {'duplicate', ''} end
local changed = {}
for i = 3, #KEYS do
  local hit
  if ARGV[2] == 'set' then
    hit = redis.call('HSET', KEYS[i], ARGV[4], ARGV[i + 3]) == 1
  elseif ARGV[2] == 'add' then
    hit = redis.call('HSETNX', KEYS[i], ARGV[4], ARGV[i + 3]) == 1
  else
    hit = redis.call('HDEL', KEYS[i], ARGV[4]) == 1
  end
  if hit then table.insert(changed, tostring(i - 2)) end
  redis.call('EXPIRE', KEYS[i], tonumber(ARGV[3]))
end
local list = table.concat(changed, ',')
redis.call('XADD', KEYS[1], '*', 'type', ARGV[2], 'event', ARGV[5], 'changed', list)
redis.call('EXPIRE', KEYS[1], tonumber(ARGV[3]))
redis.call('EXPIRE', KEYS[2], tonumber(ARGV[3]))
return {'ok', list}
