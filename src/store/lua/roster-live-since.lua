#!lua
-- roster-live-since: the service's first day, kept once: today, or the day before every period
-- when the counts were already kept under a roster (a service upgraded in place). Answers it.
-- KEYS[1] live-since: the first day
-- KEYS[2] counted-under: the roster fingerprint the counts were last recounted under
-- ARGV[1] today: the local date
-- ARGV[2] ever: the day that stands for "since before any period" (roster-days.ts SINCE_EVER)
local since = redis.call('GET', KEYS[1])
if since then return since end
since = redis.call('EXISTS', KEYS[2]) == 1 and ARGV[2] or ARGV[1]
redis.call('SET', KEYS[1], since)
return since
