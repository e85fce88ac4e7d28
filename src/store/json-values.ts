import type { RedisClient } from "./connect-redis.js";

/** A hash whose values are JSON, as a Map by field. */
export async function readJsonHash<T>(redis: RedisClient, key: string): Promise<Map<string, T>> {
  const all = await redis.hgetall(key);
  return new Map(Object.entries(all).map(([field, json]) => [field, JSON.parse(json) as T]));
}

/** The first `limit` JSON entries of a list. */
export async function readJsonList<T>(redis: RedisClient, key: string, limit: number): Promise<T[]> {
  const entries = await redis.lrange(key, 0, limit - 1);
  return entries.map((json) => JSON.parse(json) as T);
}
