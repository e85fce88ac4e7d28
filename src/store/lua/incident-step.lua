-- incident-step: adds one message's step to an open incident, once per msgid: a follow-up
-- (续报), a close (终报, 结案), an acknowledgement (收到), an escalation or a reminder the
-- service sent. The first acknowledgement is kept on the incident; the next step that is a
-- message about it (not an acknowledgement) carries it, once, so that the other leaders learn
-- who saw it first. Answers { outcome, shownBy, shownAt }: outcome ok, duplicate (this msgid
-- stepped before), missing (no such incident) or closed (with its status, ended already); for
-- an acknowledgement shownBy/shownAt are the first one's.
-- KEYS[1] msgids: hash msgid → the incident it stepped
-- KEYS[2] open: sorted set of the open incidents
-- ARGV[1] prefix: of an incident's keys (see incident-sync.lua), same hash tag
-- ARGV[2] number: the incident
-- ARGV[3] step (JSON): kind (follow-up, final, close, ack, escalated, reminded), by, at (ISO), msgid, text?
-- ARGV[4] ttl: seconds the incident and the msgid are kept
local key = ARGV[1] .. ARGV[2]
local s = cjson.decode(ARGV[3])
if redis.call('EXISTS', key) == 0 then return { 'missing' } end
if redis.call('HEXISTS', KEYS[1], s.msgid) == 1 then return { 'duplicate' } end
local status = redis.call('HGET', key, 'status')
if status ~= 'open' then return { 'closed', status } end
local shownBy, shownAt = '', ''
if s.kind == 'ack' then
  if redis.call('HSETNX', key, 'ackBy', s.by) == 1 then redis.call('HSET', key, 'ackAt', s.at) end
  shownBy = redis.call('HGET', key, 'ackBy')
  shownAt = redis.call('HGET', key, 'ackAt')
elseif s.kind ~= 'reminded' then
  local ackBy = redis.call('HGET', key, 'ackBy')
  if ackBy and redis.call('HSETNX', key, 'ackShown', s.msgid) == 1 then
    shownBy = ackBy
    shownAt = redis.call('HGET', key, 'ackAt')
  end
end
if s.kind == 'follow-up' then
  redis.call('HSET', key, 'lastAt', s.at)
  redis.call('HINCRBY', key, 'followUps', 1)
elseif s.kind == 'final' or s.kind == 'close' then
  redis.call('HSET', key, 'status', 'closed', 'closedAt', s.at, 'closedBy', s.by, 'lastAt', s.at)
  redis.call('ZREM', KEYS[2], ARGV[2])
end
local steps = key .. ':steps'
redis.call('RPUSH', steps, ARGV[3])
redis.call('EXPIRE', steps, ARGV[4])
redis.call('EXPIRE', key, ARGV[4])
redis.call('HSET', KEYS[1], s.msgid, ARGV[2])
redis.call('EXPIRE', KEYS[1], ARGV[4])
return { 'ok', shownBy, shownAt }
