#!lua
-- current-reports: the reports in force of some schools, each packed ('' for none).
-- KEYS[1] state: hash school code → its log ids in the period (or, reduced, its final report)
-- KEYS[2] log: stream, the period's audit log
-- ARGV[1..n] schools: the school codes asked for
-- #include lib/current-report.lua
local out = {}
for i = 1, #ARGV do
  local fields = current(ARGV[i])
  out[i] = type(fields) == 'table' and field(fields, 'event') or (fields or '')
end
return out
