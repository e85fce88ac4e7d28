-- connection-outbox-return: moves a taken frame back to the front of the outbox, if it is still
-- taken. Answers 1, or 0 when it was not.
-- KEYS[1] taken: list, the frames this holder took and has not finished
-- KEYS[2] outbox: list, the frames waiting for the holder
-- ARGV[1] raw: the frame as taken
-- ARGV[2] back: the frame as it goes back
if redis.call('LREM', KEYS[1], 1, ARGV[1]) == 0 then return 0 end
redis.call('RPUSH', KEYS[2], ARGV[2])
return 1
