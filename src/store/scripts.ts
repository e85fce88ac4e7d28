import { createHash } from "node:crypto";
import type { Cluster, Redis } from "ioredis";

/** A Lua script run by EVALSHA, loaded on first use and again after a Redis restart. */
export type RedisScript = (redis: Redis | Cluster, keys: readonly string[], args: readonly (string | number)[]) => Promise<unknown>;

export function defineScript(lua: string): RedisScript {
  const sha = createHash("sha1").update(lua).digest("hex");
  return async (redis, keys, args) => {
    try {
      return await redis.evalsha(sha, keys.length, ...keys, ...args);
    } catch (error) {
      if (!(error instanceof Error) || !error.message.startsWith("NOSCRIPT")) throw error;
      return redis.eval(lua, keys.length, ...keys, ...args);
    }
  };
}
