import type { RedisClient } from "../store/connect-redis.js";
import type { Keys } from "../store/keys.js";
import type { Clock } from "../time/clock.js";

/** A group chat the bot has seen on the long connection: its chatid, and who spoke last and when. */
export interface SeenChat {
  chatid: string;
  lastSpeaker: string;
  /** ISO time of the last message. */
  at: string;
}

/**
 * The group chats users spoke to the bot in. `aibot_send_msg` reaches only such chats, and a
 * group `via: bot` needs its chatid, which WeCom shows nowhere else: `pingan chats` lists them.
 */
export function createChatDirectory({ redis, keys, clock }: { redis: RedisClient; keys: Keys; clock: Clock }) {
  return {
    /** `userid` spoke in `chatid` now, by the service's clock. */
    async note(chatid: string, userid: string): Promise<void> {
      await redis.hset(keys.connectionChats(), chatid, JSON.stringify({ lastSpeaker: userid, at: clock.now().toISOString() }));
    },
    /** Most recently active first. */
    async list(): Promise<SeenChat[]> {
      const all = await redis.hgetall(keys.connectionChats());
      return Object.entries(all)
        .map(([chatid, raw]) => ({ chatid, ...(JSON.parse(raw) as Omit<SeenChat, "chatid">) }))
        .sort((a, b) => b.at.localeCompare(a.at));
    },
  };
}

export type ChatDirectory = ReturnType<typeof createChatDirectory>;
