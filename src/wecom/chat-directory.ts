import { performance } from "node:perf_hooks";
import type { RedisClient } from "../store/connect-redis.js";
import type { Keys } from "../store/keys.js";
import type { Clock } from "../time/clock.js";

/** A group chat the bot has seen on the long connection: its chatid, and who spoke there lately and when. */
export interface SeenChat {
  chatid: string;
  lastSpeaker: string;
  /** ISO time of a recent message (within NOTE_EVERY_MS of the last). */
  at: string;
  /** The bot it was seen by, with several bots (`bots:`); absent for the single `bot:`. */
  bot?: string;
}

/** How often one chat is written down again: the list needs which chats there are, not every message. */
export const NOTE_EVERY_MS = 10 * 60_000;

/**
 * The group chats users spoke to the bot in. `aibot_send_msg` reaches only such chats, and a
 * group `via: bot` needs its chatid, which WeCom shows nowhere else: `pingan chats` lists them.
 * Each process writes a chat down the first time it sees it and then at most once every
 * `noteEveryMs`, so that a message costs Redis nothing here. That interval is this process's
 * own write rate, timed by `elapsed` (monotonic ms); the injected clock dates a write, and is
 * read only for one.
 */
export function createChatDirectory({
  redis,
  keys,
  clock,
  noteEveryMs = NOTE_EVERY_MS,
  elapsed = () => performance.now(),
}: {
  redis: RedisClient;
  keys: Keys;
  clock: Clock;
  noteEveryMs?: number;
  elapsed?: () => number;
}) {
  /** When (elapsed) this process last wrote each chat down. */
  const noted = new Map<string, number>();
  return {
    /** Notes who spoke in a group chat (to `bot`, one of several), when the chat is due to be written down again; resolves at once when not. */
    async note(chatid: string, userid: string, bot?: string): Promise<void> {
      const since = elapsed();
      const last = noted.get(chatid);
      if (last !== undefined && since - last < noteEveryMs) return;
      noted.set(chatid, since);
      try {
        await redis.hset(keys.connectionChats(), chatid, JSON.stringify({ lastSpeaker: userid, at: clock.now().toISOString(), ...(bot !== undefined && { bot }) }));
      } catch (error) {
        noted.delete(chatid);
        throw error;
      }
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
