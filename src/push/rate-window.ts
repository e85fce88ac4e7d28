import { randomUUID } from "node:crypto";
import type { Config, GroupConfig } from "../config/schema.js";
import type { RedisClient } from "../store/connect-redis.js";
import type { Keys } from "../store/keys.js";
import { loadScript, namedInOrder } from "../store/scripts.js";
import type { ConversationWindow } from "../wecom/conversation-window.js";

/**
 * Where a group's pushes go: its group robot (webhook key), or the smart bot itself over the
 * long connection (the group's chatid), with the group robot as the second way out when the
 * group names a key too (`fallbackKey`). The config check makes sure each group has one.
 */
export type PushTarget = { via: "webhook"; key: string } | { via: "bot"; chatid: string; fallbackKey?: string };

/** The group's target; throws for a group the config check would have refused. */
export function pushTargetOf(group: GroupConfig): PushTarget {
  if (group.via === "bot") {
    if (group.chatid === undefined) throw new Error(`group "${group.name}" is via: bot without a chatid`);
    return { via: "bot", chatid: group.chatid, ...(group.webhook_key !== undefined && { fallbackKey: group.webhook_key }) };
  }
  if (group.webhook_key === undefined) throw new Error(`group "${group.name}" has no webhook_key`);
  return { via: "webhook", key: group.webhook_key };
}

/**
 * Names the rate window a target's sends share: a group robot's 20 a minute per key, or the
 * conversation's 30 a minute, which the bot's replies in that chat count against too.
 */
function rateWindowOf(target: PushTarget): string {
  return target.via === "webhook" ? target.key : `bot:${target.chatid}`;
}

/** At most `limit` sends in any `windowMs`. */
export interface RateWindow {
  limit: number;
  windowMs: number;
}

export interface RateLimiterOptions {
  redis: RedisClient;
  keys: Keys;
  /** Sends allowed in any window per webhook key (WeCom: 20). */
  limit?: number;
  /** Window length in ms (WeCom: a minute). */
  windowMs?: number;
  /** More windows the same sends must also fit, e.g. a bot conversation's 1000 an hour beside its 30 a minute. */
  alsoWithin?: readonly RateWindow[];
  /**
   * How late a reserved send may still reach WeCom if it is never settled (the request
   * timeout). Until `settle`, a slot counts as if sent this much after it was reserved.
   */
  inFlightMs?: number;
}

/** A sliding-window limit per webhook key, shared through Redis by every process. */
export interface RateLimiter {
  /**
   * Atomically records a send for this webhook and returns 0, or records nothing and returns
   * the ms until a slot frees. `slotId` names the slot for `settle`.
   */
  reserve(webhookKey: string, slotId?: string): Promise<number>;
  /** As `reserve`, and, when the send was recorded, the fewest places still free in any window. */
  reserveRoom(webhookKey: string, slotId?: string): Promise<{ wait: number; left: number }>;
  /** Moves a reserved slot to now (Redis time), once the request has come back. */
  settle(webhookKey: string, slotId: string): Promise<void>;
  /** Records a send that already went out (now), whatever the window holds; answers the fewest places left in any window. */
  note(webhookKey: string, slotId: string): Promise<number>;
  /** Frees a reserved slot whose message was never sent. */
  release(webhookKey: string, slotId: string): Promise<void>;
  /** The windows its sends must all fit: what an estimate simulates (enqueue.ts readWindow). */
  readonly windows: readonly RateWindow[];
}

// Times are Redis TIME in ms so that all processes share one clock (lib/now-ms.lua).
const reserveScript = loadScript("rate-limit-reserve", {
  keys: namedInOrder("window"),
  args: namedInOrder("inFlightMs", "slot", "windows"),
});

const settleScript = loadScript("rate-limit-settle", {
  keys: namedInOrder("window"),
  args: namedInOrder("slot"),
});

const noteScript = loadScript("rate-limit-note", {
  keys: namedInOrder("window"),
  args: namedInOrder("slot", "windows"),
});

/** Each window as the scripts take them: its limit and length, one pair after another. */
const packWindows = (windows: readonly RateWindow[]) => windows.flatMap((w) => [w.limit, w.windowMs]);

/**
 * At most `limit` sends in any `windowMs` per webhook key (and within `alsoWithin`). A sliding
 * window in one sorted set per webhook (keys.pushWindow), not BullMQ's fixed-window limiter,
 * which lets twice the limit through across a window edge.
 */
export function createRateLimiter({ redis, keys, limit = 20, windowMs = 60_000, alsoWithin = [], inFlightMs = 15_000 }: RateLimiterOptions): RateLimiter {
  const windows = [{ limit, windowMs }, ...alsoWithin];
  const packed = packWindows(windows);
  const reserveRoom = async (webhookKey: string, slotId: string = randomUUID()) => {
    const answer = Number(await reserveScript(redis, { window: keys.pushWindow(webhookKey) }, { inFlightMs, slot: slotId, windows: packed }));
    return answer > 0 ? { wait: answer, left: 0 } : { wait: 0, left: Math.abs(answer) };
  };
  return {
    async reserve(webhookKey, slotId = randomUUID()) {
      return (await reserveRoom(webhookKey, slotId)).wait;
    },
    reserveRoom,
    async settle(webhookKey, slotId) {
      await settleScript(redis, { window: keys.pushWindow(webhookKey) }, { slot: slotId });
    },
    async note(webhookKey, slotId) {
      return Number(await noteScript(redis, { window: keys.pushWindow(webhookKey) }, { slot: slotId, windows: packed }));
    },
    async release(webhookKey, slotId) {
      await redis.zrem(keys.pushWindow(webhookKey), slotId);
    },
    windows,
  };
}

/** A bot conversation's limits; WeCom's 30 a minute and 1000 an hour by default (tests and the demo scale them). */
export interface BotRateLimit {
  perWindow?: number;
  windowMs?: number;
  perHour?: number;
}

/** A bot conversation's window: 30 a minute and 1000 an hour (wecom-protocol.md), shared by pushes and the bot's replies there. */
function createBotRateLimiter(redis: RedisClient, keys: Keys, limits: BotRateLimit = {}): RateLimiter {
  const alsoWithin = [{ limit: limits.perHour ?? 1000, windowMs: 3_600_000 }];
  return createRateLimiter({ redis, keys, limit: limits.perWindow ?? 30, windowMs: limits.windowMs, alsoWithin, inFlightMs: 15_000 });
}

/** The same windows, as the long connection's replies take their places in them (by conversation: a group's chatid, or a userid). */
export function createBotConversationWindow(redis: RedisClient, keys: Keys, limits?: BotRateLimit): ConversationWindow {
  const limiter = createBotRateLimiter(redis, keys, limits);
  const windowOf = (conversation: string) => rateWindowOf({ via: "bot", chatid: conversation });
  return {
    reserve: (conversation, slot) => limiter.reserveRoom(windowOf(conversation), slot),
    note: (conversation, slot) => limiter.note(windowOf(conversation), slot),
    release: (conversation, slot) => limiter.release(windowOf(conversation), slot),
  };
}

/** The rate window of a push target: a group robot's (20 a minute) or a bot conversation's (30 a minute, shared with the bot's replies there). */
export interface TargetLimiter {
  reserve(target: PushTarget, slotId: string): Promise<number>;
  settle(target: PushTarget, slotId: string): Promise<void>;
  release(target: PushTarget, slotId: string): Promise<void>;
  /**
   * Each configured group's window as data, fixed when the limiter is made: what enqueueing
   * reads to tell people when a push will have gone out (enqueue.ts), without reserving anything.
   */
  readonly groupWindows: ReadonlyMap<string, GroupWindow>;
}

/**
 * A group's rate window: its sorted set (keys.pushWindow), the windows its sends must fit, and
 * its name (groups of one name share it). A robot's name is its webhook key, a secret: compared, never shown.
 */
export interface GroupWindow {
  name: string;
  key: string;
  windows: readonly RateWindow[];
}

/** The windows of both kinds of target, each kept by its own limiter, and each group's window as data. */
export function createTargetLimiter({
  redis,
  keys,
  webhook,
  bot,
  groups,
}: {
  redis: RedisClient;
  keys: Keys;
  webhook: Omit<RateLimiterOptions, "redis" | "keys">;
  bot?: BotRateLimit;
  groups: Config["groups"];
}): TargetLimiter {
  const limiters = { webhook: createRateLimiter({ redis, keys, ...webhook }), bot: createBotRateLimiter(redis, keys, bot) };
  const of = (target: PushTarget) => limiters[target.via];
  const groupWindows = new Map(
    Object.entries(groups).map(([id, config]) => {
      const target = pushTargetOf(config);
      const name = rateWindowOf(target);
      return [id, { name, key: keys.pushWindow(name), windows: of(target).windows }] as const;
    }),
  );
  return {
    reserve: (target, slotId) => of(target).reserve(rateWindowOf(target), slotId),
    settle: (target, slotId) => of(target).settle(rateWindowOf(target), slotId),
    release: (target, slotId) => of(target).release(rateWindowOf(target), slotId),
    groupWindows,
  };
}
