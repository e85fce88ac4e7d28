-- push-part-release: gives a claim on a part back, if it is still this sender's.
-- KEYS[1] part: the part's state: 'sending:<claim>' (a lease), 'sent' or 'failed:<why>'
-- ARGV[1] claim: this sender's claim
if redis.call('GET', KEYS[1]) == 'sending:' .. ARGV[1] then redis.call('DEL', KEYS[1]) end
return 0
