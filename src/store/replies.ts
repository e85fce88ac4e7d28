import { TTL, type Keys } from "./keys.js";
import type { RedisClient } from "./connect-redis.js";

/**
 * The reply given to each msgid: WeCom repeats callbacks, and a repeat must get the same reply
 * and record nothing new.
 */
export interface ReplyStore {
  /** The reply already given to this msgid, if any. */
  get(msgid: string): Promise<string | undefined>;
  /** Keeps `reply` unless a reply is already kept, and returns the one kept. */
  keepFirst(msgid: string, reply: string): Promise<string>;
}

export function createReplyStore({ redis, keys }: { redis: RedisClient; keys: Keys }): ReplyStore {
  return {
    async get(msgid) {
      return (await redis.get(keys.callbackReply(msgid))) ?? undefined;
    },
    async keepFirst(msgid, reply) {
      // NX: when WeCom retries while the first attempt is still running, both get the first reply.
      const kept = await redis.set(keys.callbackReply(msgid), reply, "EX", TTL.callbackReplySeconds, "NX", "GET");
      return kept ?? reply;
    },
  };
}
