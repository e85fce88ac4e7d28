#!lua
-- record-report: records one message in one step, idempotent per msgid: the audit event (the
-- school's history), the state (its log ids), the reply given to it, the period's counts, and
-- what it owes (alerts) in the period's outbox, so that either all of it is written or none of
-- it. Beside the counts it keeps, ordered by time, the abnormal reports and the 代报 in force,
-- and the schools whose abnormal report was corrected, so 汇总 reads only what it shows.
-- The counts of the report it replaces are undone first, what that report's log entry says it
-- counted, from the school's area now: the counts are kept under the roster in force (after a
-- change the recount at start moves them), so the undo takes them from where they are, and the
-- counts always add up the reports in force.
-- A report in force other than the one expected (someone else's message came first) writes
-- nothing and answers 'conflict' with it: the caller answers again and retries.
-- Answers the outcome, the report it replaced (packed; '' when it was the one expected), the
-- reply kept for a duplicate, then the ids of the outbox entries it wrote. All keys share the period's hash tag.
-- KEYS[1] state: hash school code → its log ids, oldest first (a withdrawal's marked '-')
-- KEYS[2] log: stream, the period's audit log (type, school, event, counted)
-- KEYS[3] msgids: set of the msgids recorded lately (a repeat records nothing)
-- KEYS[4] abnormal: hash school code → its last abnormal report (JSON)
-- KEYS[5] outbox: stream of the pushes the period's records owe
-- KEYS[6] replies: hash msgid → the reply given to it
-- KEYS[7] counts: hash '<counter>:<area>' → number
-- KEYS[8] reported: bitmap by school number, the schools with a report in force
-- KEYS[9] listed: hash school code → its abnormal report in force (JSON)
-- KEYS[10] on-behalf: sorted set school code → when its 代报 in force was made (ms)
-- KEYS[11] abnormal-at: sorted set school code → when its abnormal report in force was made (ms)
-- KEYS[12] resolved: set of the schools whose abnormal report was corrected
-- KEYS[13] remarked: sorted set school code → when its 平安 with a remark in force was made (ms)
-- KEYS[14] counted-under: the roster version the counts are kept under, or 'stale'
-- ARGV[1] values: one JSON object (an absent field is nil here), with these fields:
--   school: the school's code
--   msgid: the message's id
--   withdrawal: the withdrawal packed; present to withdraw
--   ttl: seconds the period's keys are kept
--   expected: the report in force answered against, as its JSON holds its msgid ('"msgid":"…"'); '' for none; absent for any
--   replyTtl: seconds the reply is kept
--   counted: what the report counts (report.ts encodeCounted; its sums read from `report`)
--   number: the school's number (its bit in reported); absent when it has none
--   msgidTtl: seconds the msgids are kept against repeats
--   at: when the report was made (ms)
--   onBehalf: true when a leader entered it (代报)
--   area: the school's area; absent when the roster has it not (nothing is counted)
--   nodes: the keys of the nodes above the area (市, 县…), counted too; absent for a county's roster
--   roster: the version of the roster the area comes from; counts kept under another are left
--     alone and marked 'stale' (the workers recount the period under the roster in force)
--   remarked: true when it is a 平安 with a remark
--   pushes: the pushes it owes, each as JSON
-- ARGV[2] report: the report packed (report-scripts.ts packReport); '' to withdraw
-- ARGV[3] reply: the reply given to the message, kept for a repeat of it; '' for none
-- ARGV[4] abnormal: the report's full JSON when it is abnormal (kept as the school's last abnormal
--   one and listed while in force); '' when it is not. The three longest texts, apart from the
--   JSON: not escaped into it and unescaped again.
-- #include lib/current-report.lua
-- #include lib/counted-pairs.lua
local a = cjson.decode(ARGV[1])
local function given(text) if text ~= '' then return text end end
a.report, a.reply, a.abnormal = given(ARGV[2]), given(ARGV[3]), given(ARGV[4])
-- Keeps a key (when there is one) at least ttl seconds from now. Each EXPIRE is written to the AOF (and fsynced):
-- renewing only when under ttl, to 1.1 ttl, writes it about once per tenth of the ttl instead
-- of with every check-in (eleven commands fewer).
local function keep(key, ttl)
  local left = redis.call('TTL', key)
  if left ~= -2 and left < ttl then redis.call('EXPIRE', key, math.floor(ttl * 1.1)) end
end
-- The period keys this record wrote to (KEYS indexes), kept for the period's time at the end: a
-- key only read or removed from needs no renewal (each key lasts ttl past its own last write,
-- and the nightly reduction comes within ttl of the period), and a TTL per period key on every
-- check-in was most of the script's calls. State and log are written by every record.
local written = {1, 2}
local school = a.school
if redis.call('SISMEMBER', KEYS[3], a.msgid) == 1 then
  local fields = current(school)
  local previous = type(fields) == 'table' and field(fields, 'event') or (fields or '')
  return {'duplicate', previous, redis.call('HGET', KEYS[6], a.msgid) or ''}
end
local fields, ids = current(school)
local previous, undo = '', nil
if type(fields) == 'table' then
  previous = field(fields, 'event')
  undo = field(fields, 'counted')
end
-- Found, not decoded: the stored report is whatever was typed (a stored text cjson cannot decode
-- would stop every later record of the school). expected is '"msgid":' and the msgid as JSON,
-- which the report's JSON holds only as its own msgid (inside a string every quote is escaped).
if a.expected then
  local same = a.expected == '' and previous == '' or a.expected ~= '' and previous ~= '' and string.find(previous, a.expected, 1, true) ~= nil
  if not same then return {'conflict', previous, ''} end
end
local outcome, id
if not a.report then
  if previous == '' then return {'nothing', '', ''} end
  outcome = 'withdraw'
  id = redis.call('XADD', KEYS[2], '*', 'type', outcome, 'school', school, 'event', a.withdrawal, 'counted', '')
  ids = ids .. ' -' .. id
else
  outcome = previous == '' and 'report' or 'replace'
  id = redis.call('XADD', KEYS[2], '*', 'type', outcome, 'school', school, 'event', a.report, 'counted', a.counted)
  ids = (ids and ids .. ' ' or '') .. id
  if a.abnormal then
    redis.call('HSET', KEYS[4], school, a.abnormal)
    keep(KEYS[4], a.ttl)
  end
end
redis.call('HSET', KEYS[1], school, ids)
redis.call('SADD', KEYS[3], a.msgid)
keep(KEYS[3], a.msgidTtl)
if a.reply then
  redis.call('HSET', KEYS[6], a.msgid, a.reply)
  keep(KEYS[6], a.replyTtl)
end
-- What the record changes in the counts, one net change per counter: the report replaced undone
-- and this one counted (countedPairs), each to the area and to each node above it (a province's
-- tally reads its cities'). A re-report that counts what it replaces writes no count at all.
local function count(entry, event, sign, net, order)
  for _, pair in ipairs(countedPairs(entry, event)) do
    if net[pair[1]] == nil then order[#order + 1] = pair[1] end
    net[pair[1]] = (net[pair[1]] or 0) + sign * pair[2]
  end
end
local counting = false
if a.area then
  local under = redis.call('GET', KEYS[14])
  if not under then
    redis.call('SET', KEYS[14], a.roster)
    written[#written + 1] = 14
  end
  counting = not under or under == a.roster
  if not counting and under ~= 'stale' then redis.call('SET', KEYS[14], 'stale', 'KEEPTTL') end
end
-- A re-report that counts what it replaces, word for word and without sums read from the
-- reports (EVENT_SUMS '+'), changes no count: nothing to split and add up.
local same = undo ~= nil and undo == a.counted and not string.find(undo, '+', 1, true)
if counting and not same then
  local net, order = {}, {}
  if undo and undo ~= '' then count(undo, previous, -1, net, order) end
  if a.report then count(a.counted, a.report, 1, net, order) end
  for _, counter in ipairs(order) do
    local n = net[counter]
    if n ~= 0 then
      redis.call('HINCRBY', KEYS[7], counter .. ':' .. a.area, n)
      written[#written + 1] = 7
      for _, node in ipairs(a.nodes or {}) do redis.call('HINCRBY', KEYS[7], counter .. ':' .. node, n) end
    end
  end
end
-- Without a report in force the school is in none of the lists of reports in force (listed,
-- abnormal-at, on-behalf, remarked: a withdrawal takes it out of each), so a first report removes
-- nothing and sets its bit; a re-report reads its bit and writes it only when it changes.
local inForce = previous ~= ''
if a.number then
  local bit = a.report and 1 or 0
  if not inForce or redis.call('GETBIT', KEYS[8], a.number) ~= bit then
    redis.call('SETBIT', KEYS[8], a.number, bit)
    written[#written + 1] = 8
  end
end
if a.abnormal then
  redis.call('HSET', KEYS[9], school, a.abnormal)
  redis.call('ZADD', KEYS[11], a.at, school)
  redis.call('SREM', KEYS[12], school)
  written[#written + 1] = 9
  written[#written + 1] = 11
else
  if inForce then
    redis.call('HDEL', KEYS[9], school)
    redis.call('ZREM', KEYS[11], school)
  end
  -- A school is among the corrected ones only once it has had an abnormal report (its last one stays in KEYS[4]).
  if a.report and redis.call('HEXISTS', KEYS[4], school) == 1 then
    redis.call('SADD', KEYS[12], school)
    written[#written + 1] = 12
  elseif not a.report then
    redis.call('SREM', KEYS[12], school)
  end
end
-- The school is in the period's list of 代报 (KEYS[10]) or of remarks (KEYS[13]) while its report in force is one.
local function listIf(on, index)
  if on then
    redis.call('ZADD', KEYS[index], a.at, school)
    written[#written + 1] = index
  elseif inForce then
    redis.call('ZREM', KEYS[index], school)
  end
end
listIf(a.onBehalf, 10)
listIf(a.remarked, 13)
local owed = {}
for _, push in ipairs(a.pushes) do
  owed[#owed + 1] = redis.call('XADD', KEYS[5], '*', 'kind', 'push', 'msgid', a.msgid, 'body', push)
end
if #owed > 0 then written[#written + 1] = 5 end
local kept = {}
for _, i in ipairs(written) do
  if not kept[i] then
    kept[i] = true
    keep(KEYS[i], a.ttl)
  end
end
-- A record made against the report in force (expected matched) answers without it: the caller has it.
if a.expected and a.expected ~= '' then previous = '' end
return {outcome, previous, '', unpack(owed)}
