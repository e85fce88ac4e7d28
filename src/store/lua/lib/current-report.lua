-- The report in force of a school, read from the period's state hash (KEYS[1]) and audit log
-- (KEYS[2]): current(school) answers the log entry's fields (`event`, `counted`) and the
-- school's log ids; for a reduced period, its final report (packed) in place of the fields.
local function field(fields, name)
  for i = 1, #fields, 2 do if fields[i] == name then return fields[i + 1] end end
  return nil
end
local function current(school)
  local ids = redis.call('HGET', KEYS[1], school)
  if not ids then return nil, nil end
  if string.sub(ids, 1, 1) == '{' then return ids, nil end
  -- The last id, anchored: an unanchored '(%S+)$' retried from every character of every id
  -- before it, a few µs more with each report the school made that day.
  local last = string.match(ids, '^.*%s(%S+)$') or string.match(ids, '^(%S+)$')
  if not last or string.sub(last, 1, 1) == '-' then return nil, ids end
  local entry = redis.call('XRANGE', KEYS[2], last, last)[1]
  if not entry then return nil, ids end
  return entry[2], ids
end
