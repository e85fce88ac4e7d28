import type { RedisClient } from "./connect-redis.js";

/** A hash whose values are JSON, as a Map by field. */
export async function readJsonHash<T>(redis: RedisClient, key: string): Promise<Map<string, T>> {
  return decodeJsonHash<T>(await redis.hgetall(key));
}

/** A hash's fields (HGETALL's answer) as a Map of their JSON values. */
export function decodeJsonHash<T>(fields: Record<string, string>): Map<string, T> {
  return new Map(Object.entries(fields).map(([field, json]) => [field, JSON.parse(json) as T]));
}

/** The first `limit` JSON entries of a list. */
export async function readJsonList<T>(redis: RedisClient, key: string, limit: number): Promise<T[]> {
  const entries = await redis.lrange(key, 0, limit - 1);
  return entries.map((json) => JSON.parse(json) as T);
}
