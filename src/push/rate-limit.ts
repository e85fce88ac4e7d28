import { randomUUID } from "node:crypto";
import type { Cluster, Redis } from "ioredis";
import type { Keys } from "../store/keys.js";
import { loadScript } from "../store/scripts.js";

/** At most `limit` sends in any `windowMs`. */
export interface RateWindow {
  limit: number;
  windowMs: number;
}

export interface RateLimiterOptions {
  redis: Redis | Cluster;
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
  /**
   * Read-only: the ms until `sends` more sends for this webhook would all have fit, given the
   * sends already in its window (0 when they fit now). For telling people when a message
   * queued now goes out; it reserves nothing.
   */
  waitFor(webhookKey: string, sends: number): Promise<number>;
}

// Times are Redis TIME in ms so that all processes share one clock (lib/now-ms.lua).
const reserveScript = loadScript("rate-limit-reserve", {
  keys: (k: { window: string }) => [k.window],
  args: (a: { inFlightMs: number; slot: string; windows: readonly RateWindow[] }) => [a.inFlightMs, a.slot, ...a.windows.flatMap((w) => [w.limit, w.windowMs])],
});

const settleScript = loadScript("rate-limit-settle", {
  keys: (k: { window: string }) => [k.window],
  args: (a: { slot: string }) => [a.slot],
});

const noteScript = loadScript("rate-limit-note", {
  keys: (k: { window: string }) => [k.window],
  args: (a: { slot: string; windows: readonly RateWindow[] }) => [a.slot, ...a.windows.flatMap((w) => [w.limit, w.windowMs])],
});

const windowScript = loadScript("rate-limit-window", {
  keys: (k: { window: string }) => [k.window],
  args: (a: { ms: number }) => [a.ms],
});

/**
 * When the last of `sends` more sends fits, as reserve would admit them one after the other:
 * in each window, each needs the slot `limit` places before it to be a window old. `slots` are
 * the slot times of the longest window; returns ms after `now`.
 */
function simulateWait(slots: number[], now: number, sends: number, windows: readonly RateWindow[]): number {
  const times = [...slots].sort((a, b) => a - b);
  let at = now;
  for (let i = 0; i < sends; i += 1) {
    for (const { limit, windowMs } of windows) {
      const blocking = times[times.length - limit];
      if (blocking !== undefined) at = Math.max(at, blocking + windowMs);
    }
    times.push(at);
    times.sort((a, b) => a - b);
  }
  return at - now;
}

/**
 * At most `limit` sends in any `windowMs` per webhook key (and within `alsoWithin`). A sliding
 * window in one sorted set per webhook (keys.pushWindow), not BullMQ's fixed-window limiter,
 * which lets twice the limit through across a window edge.
 */
export function createRateLimiter({
  redis,
  keys,
  limit = 20,
  windowMs = 60_000,
  alsoWithin = [],
  inFlightMs = 15_000,
}: RateLimiterOptions): RateLimiter {
  const windows = [{ limit, windowMs }, ...alsoWithin];
  const longest = Math.max(...windows.map((w) => w.windowMs));
  const reserveRoom = async (webhookKey: string, slotId: string = randomUUID()) => {
    const answer = Number(await reserveScript(redis, { window: keys.pushWindow(webhookKey) }, { inFlightMs, slot: slotId, windows }));
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
      return Number(await noteScript(redis, { window: keys.pushWindow(webhookKey) }, { slot: slotId, windows }));
    },
    async release(webhookKey, slotId) {
      await redis.zrem(keys.pushWindow(webhookKey), slotId);
    },
    async waitFor(webhookKey, sends) {
      const [now, ...slots] = ((await windowScript(redis, { window: keys.pushWindow(webhookKey) }, { ms: longest })) as string[]).map(Number);
      return simulateWait(slots, now!, sends, windows);
    },
  };
}
