#!lua
-- mailbox-resend: puts alerts owed to a group back in its mailbox in the order of their events,
-- with the alerts still waiting there: an owed alert goes before a later alert of its school
-- that queued meanwhile. The waiting alerts are added again behind the cursor, in that order,
-- and the cursor moves past their old entries. Refused (-1) while another turn holds the lease:
-- it may be sending those very entries. Answers how many alerts are queued now.
-- KEYS[1] mailbox: stream, the group's alerts in the order of their events
-- KEYS[2] cursor: the id of the last alert delivered
-- KEYS[3] lease: the token of the turn delivering
-- ARGV[1] token: the caller's lease token ('' when it holds none)
-- ARGV[2] ttl: seconds the cursor is kept
-- ARGV[3..n] owed: the owed alerts (push JSON, with causedAt)
local holder = redis.call('GET', KEYS[3])
if holder and holder ~= ARGV[1] then return -1 end
local waiting = redis.call('XRANGE', KEYS[1], '(' .. (redis.call('GET', KEYS[2]) or '0'), '+')
local items = {}
for i = 3, #ARGV do
  items[#items + 1] = { at = cjson.decode(ARGV[i]).causedAt or '', push = ARGV[i], order = i }
end
for j, entry in ipairs(waiting) do
  local fields = entry[2]
  for f = 1, #fields, 2 do
    if fields[f] == 'push' then
      items[#items + 1] = { at = cjson.decode(fields[f + 1]).causedAt or '', push = fields[f + 1], order = #ARGV + j }
    end
  end
end
table.sort(items, function(a, b)
  if a.at ~= b.at then return a.at < b.at end
  return a.order < b.order
end)
if #waiting > 0 then
  redis.call('SET', KEYS[2], waiting[#waiting][1], 'EX', tonumber(ARGV[2]))
end
for _, item in ipairs(items) do redis.call('XADD', KEYS[1], '*', 'push', item.push) end
return #items
