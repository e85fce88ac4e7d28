-- connection-outbox-answer: finishes a taken frame with its requester's answer; an answer already
-- given (by a holder that found this one dead) stands unless this holder still had the frame.
-- Answers 1 when this holder had it, else 0.
-- KEYS[1] taken: list, the frames this holder took and has not finished
-- KEYS[2] answer: the requester's answer
-- ARGV[1] raw: the frame as taken
-- ARGV[2] outcome: the answer (JSON)
-- ARGV[3] ttl: ms the answer is kept
local mine = redis.call('LREM', KEYS[1], 1, ARGV[1])
if mine == 1 then redis.call('SET', KEYS[2], ARGV[2], 'PX', ARGV[3]) else redis.call('SET', KEYS[2], ARGV[2], 'PX', ARGV[3], 'NX') end
return mine
