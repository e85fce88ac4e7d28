import type { RedisClient } from "../store/connect-redis.js";
import type { Keys } from "../store/keys.js";
import type { Clock } from "../clock/clock.js";

/** A group chat the bot has seen on the long connection: its chatid, and who spoke there lately and when. */
export interface SeenChat {
  chatid: string;
  lastSpeaker: string;
  /** ISO time of a recent message (within NOTE_EVERY_MS of the last). */
  at: string;
  /** The bot it was seen by, with several bots (`bots:`); absent for the single `bot:`. */
  bot?: string;
}

/** How often one chat is written down again (the receiver decides: createChatNoting): the list needs which chats there are, not every message. */
export const NOTE_EVERY_MS = 10 * 60_000;

/**
 * The group chats users spoke to the bot in. `aibot_send_msg` reaches only such chats, and a
 * group `via: bot` needs its chatid, which WeCom shows nowhere else: `pingan chats` lists them.
 * The long connection's receiver writes a chat down when it is due (createChatNoting), not at
 * every message; the injected clock dates a write.
 */
export function createChatDirectory({ redis, keys, clock }: { redis: RedisClient; keys: Keys; clock: Clock }) {
  return {
    /** Writes down who spoke in a group chat (to `bot`, one of several), and when. */
    async note(chatid: string, userid: string, bot?: string): Promise<void> {
      await redis.hset(keys.connectionChats(), chatid, JSON.stringify({ lastSpeaker: userid, at: clock.now().toISOString(), ...(bot !== undefined && { bot }) }));
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
