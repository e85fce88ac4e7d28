#!lua
-- school-numbers-assign: gives each code without a number the next one, in order, and keeps the
-- day a school numbered after the service's first day joined the roster. Answers each code's number.
-- KEYS[1] numbers: hash school code → its number
-- KEYS[2] joined: hash school code → the day it joined the roster
-- KEYS[3] live-since: the service's first day
-- ARGV[1] today: the local date ('' to keep no day)
-- ARGV[2..n] codes: the school codes
local since = redis.call('GET', KEYS[3])
local joined = ARGV[1] ~= '' and since and ARGV[1] > since
for i = 2, #ARGV do
  if redis.call('HEXISTS', KEYS[1], ARGV[i]) == 0 then
    redis.call('HSET', KEYS[1], ARGV[i], redis.call('HLEN', KEYS[1]))
    if joined then redis.call('HSETNX', KEYS[2], ARGV[i], ARGV[1]) end
  end
end
return redis.call('HMGET', KEYS[1], unpack(ARGV, 2))
