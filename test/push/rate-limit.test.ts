import { randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import type { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRateLimiter } from "../../src/push/rate-window.js";
import { readWindow } from "../../src/push/enqueue.js";
import { createKeys } from "../../src/store/keys.js";
import { startTestRedis, type TestRedis } from "../support/redis.js";
import { maxInWindow } from "../support/max-in-window.js";


async function redisNow(client: Redis): Promise<number> {
  const [seconds, micros] = await client.time();
  return Number(seconds) * 1000 + Math.floor(Number(micros) / 1000);
}

describe("rate limiter", () => {
  let redis: TestRedis;
  beforeAll(async () => {
    redis = await startTestRedis();
  });
  afterAll(() => redis.stop());

  it("refuses the 21st send within the window and says how long to wait", async () => {
    const keys = createKeys(`rl-${randomUUID().slice(0, 8)}`);
    const client = redis.client();
    const limiter = createRateLimiter({ redis: client, keys, limit: 20, windowMs: 400, inFlightMs: 0 });
    const waits = [];
    for (let i = 0; i < 20; i++) waits.push(await limiter.reserve("hook"));
    expect(waits).toEqual(new Array(20).fill(0));
    const oldest = Number((await client.zrange(keys.pushWindow("hook"), "0", "0", "WITHSCORES"))[1]);
    const before = await redisNow(client);
    const wait = await limiter.reserve("hook");
    const after = await redisNow(client);
    // The wait runs to the moment the oldest slot is a window old, by Redis time.
    expect(wait).toBeGreaterThan(0);
    expect(oldest + 400 - wait).toBeGreaterThanOrEqual(before);
    expect(oldest + 400 - wait).toBeLessThanOrEqual(after);
    expect(await limiter.reserve("another-hook")).toBe(0);
    await sleep(wait + 5);
    expect(await limiter.reserve("hook")).toBe(0);
  });

  it("says how many places each window has left after a reservation, and after a send noted without one, the fewest of any window", async () => {
    const keys = createKeys(`rl-${randomUUID().slice(0, 8)}`);
    const limiter = createRateLimiter({ redis: redis.client(), keys, limit: 3, windowMs: 60_000, alsoWithin: [{ limit: 5, windowMs: 3_600_000 }], inFlightMs: 0 });
    expect(await limiter.reserveRoom("chat")).toEqual({ wait: 0, left: 2 });
    expect(await limiter.note("chat", "sent-first")).toBe(1);
    expect(await limiter.reserveRoom("chat")).toEqual({ wait: 0, left: 0 });
    const full = await limiter.reserveRoom("chat");
    expect(full.wait).toBeGreaterThan(0);
    // A send that already went out is noted even over the limit: the windows then have none left.
    expect(await limiter.note("chat", "sent-anyway")).toBe(0);
  });

  it("never lets more than 20 through in any window across two instances and window edges", async () => {
    const keys = createKeys(`rl-${randomUUID().slice(0, 8)}`);
    const windowMs = 1000;
    const connections = [redis.client(), redis.client()];
    const limiters = connections.map((c) => createRateLimiter({ redis: c, keys, limit: 20, windowMs, inFlightMs: 0 }));
    const windowKey = keys.pushWindow("hook");
    const granted: number[] = [];
    const started = Date.now();
    const runFor = 2.6 * windowMs;
    // Eight eager senders per instance; each records the Redis time of its slot (the score).
    const sender = async (index: number) => {
      const limiter = limiters[index % 2]!;
      const connection = connections[index % 2]!;
      while (Date.now() - started < runFor) {
        const slot = randomUUID();
        const wait = await limiter.reserve("hook", slot);
        if (wait === 0) granted.push(Number(await connection.zscore(windowKey, slot)));
        else await sleep(Math.min(wait, 7 + index));
      }
    };
    await Promise.all(Array.from({ length: 16 }, (_, i) => sender(i)));
    expect(maxInWindow(granted, windowMs)).toBe(20);
    // Three windows were started (at 0, 1 s and 2 s): the limit is not stricter than it must be.
    expect(granted.length).toBe(60);
  });

  it("counts an unsettled slot until its request could have arrived, a settled one from its answer", async () => {
    const keys = createKeys(`rl-${randomUUID().slice(0, 8)}`);
    const limiter = createRateLimiter({ redis: redis.client(), keys, limit: 1, windowMs: 200, inFlightMs: 5000 });
    expect(await limiter.reserve("hook", "first")).toBe(0);
    expect(await limiter.reserve("hook")).toBeGreaterThan(5000);
    await limiter.settle("hook", "first");
    const wait = await limiter.reserve("hook");
    expect(wait).toBeGreaterThan(0);
    expect(wait).toBeLessThanOrEqual(200);
  });

  it("holds a send to every window: a bot conversation's 30 a minute and 1000 an hour, scaled down", async () => {
    const keys = createKeys(`rl-${randomUUID().slice(0, 8)}`);
    // 3 in any 100 ms and 5 in any 600 ms: the sixth waits for the long window, not the short one.
    const limiter = createRateLimiter({ redis: redis.client(), keys, limit: 3, windowMs: 100, alsoWithin: [{ limit: 5, windowMs: 600 }], inFlightMs: 0 });
    const granted: number[] = [];
    const started = Date.now();
    const sendUntil = async (count: number) => {
      while (granted.length < count) {
        const wait = await limiter.reserve("chat");
        if (wait === 0) granted.push(Date.now() - started);
        else await sleep(Math.min(wait, 20));
      }
    };
    await sendUntil(5);
    // What 提醒 tells people agrees: the sixth waits for the long window (the short one is free by now).
    const predicted = (await readWindow(redis.client(), { key: keys.pushWindow("chat"), windows: limiter.windows })).waitFor(1);
    expect(predicted).toBeGreaterThan(300);
    await sendUntil(6);
    expect(granted[2]).toBeLessThan(100);
    expect(granted[3]).toBeGreaterThanOrEqual(95);
    expect(granted[5]).toBeGreaterThanOrEqual(590);
  });

  it("keeps the webhook key out of Redis", async () => {
    const keys = createKeys(`rl-${randomUUID().slice(0, 8)}`);
    const client = redis.client();
    await createRateLimiter({ redis: client, keys }).reserve("very-secret-webhook-key");
    const names = await client.keys(`${keys.bullPrefix()}:*`);
    expect(names).toHaveLength(1);
    expect(names[0]).not.toContain("very-secret-webhook-key");
  });
});
