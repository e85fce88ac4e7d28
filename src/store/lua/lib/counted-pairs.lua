-- What a report's log entry counted, as counter/value pairs: its 'counted' field (counter/value,
-- tab-separated; one written before the area was left out starts with its area), where the
-- counter '+' (report.ts EVENT_SUMS) stands for the sums of the report's declared fields,
-- read from its event as countReport reads them (a count its number, named counts each name's,
-- a 0 nothing), so that the entry does not keep each figure twice.
local function countedPairs(entry, event)
  local parts = {}
  for part in string.gmatch(entry, '[^\t]+') do parts[#parts + 1] = part end
  local out = {}
  for i = #parts % 2 + 1, #parts - 1, 2 do
    if parts[i] ~= '+' then
      out[#out + 1] = {parts[i], tonumber(parts[i + 1])}
    else
      local ok, report = pcall(cjson.decode, event)
      local value = ok and type(report) == 'table' and report.value or {}
      for id, v in pairs(value) do
        if type(v) == 'number' and v ~= 0 then
          out[#out + 1] = {'f.' .. id, v}
        elseif type(v) == 'table' and v[1] == nil then
          for name, n in pairs(v) do
            if type(n) == 'number' and n ~= 0 then out[#out + 1] = {'f.' .. id .. '.' .. name, n} end
          end
        end
      end
    end
  end
  return out
end
