import type { Cluster, Redis } from "ioredis";
import type { Keys } from "../store/keys.js";
import type { ConversationWindow } from "../wecom/conversation-window.js";
import { rateWindowOf } from "./push-target.js";
import { createRateLimiter } from "./rate-limit.js";

/** A bot conversation's limits; WeCom's 30 a minute and 1000 an hour by default (tests and the demo scale them). */
export interface BotRateLimit {
  perWindow?: number;
  windowMs?: number;
  perHour?: number;
}

/** A bot conversation's window: 30 a minute and 1000 an hour (wecom-protocol.md), shared by pushes and the bot's replies there. */
export function createBotRateLimiter(redis: Redis | Cluster, keys: Keys, limits: BotRateLimit = {}) {
  const alsoWithin = [{ limit: limits.perHour ?? 1000, windowMs: 3_600_000 }];
  return createRateLimiter({ redis, keys, limit: limits.perWindow ?? 30, windowMs: limits.windowMs, alsoWithin, inFlightMs: 15_000 });
}

/** The same windows, as the long connection's replies take their places in them (by conversation: a group's chatid, or a userid). */
export function createBotConversationWindow(redis: Redis | Cluster, keys: Keys, limits?: BotRateLimit): ConversationWindow {
  const limiter = createBotRateLimiter(redis, keys, limits);
  const windowOf = (conversation: string) => rateWindowOf({ via: "bot", chatid: conversation });
  return {
    reserve: (conversation, slot) => limiter.reserveRoom(windowOf(conversation), slot),
    note: (conversation, slot) => limiter.note(windowOf(conversation), slot),
    release: (conversation, slot) => limiter.release(windowOf(conversation), slot),
  };
}
