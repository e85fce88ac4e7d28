import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { connectRedis, waitReady, type RedisClient } from "../../src/store/connect-redis.js";
import { createKeys } from "../../src/store/keys.js";
import { createConnectionLease } from "../../src/wecom/connection-lease.js";
import { createConnectionOutbox } from "../../src/wecom/connection-outbox.js";
import type { OutboundFrame } from "../../src/wecom/long-connection/request-bodies.js";
import { startTestRedis, type TestRedis } from "../support/redis.js";
import { waitFor } from "../support/wait-for.js";

const keys = createKeys();
let redis: TestRedis;
let client: RedisClient;
let blocking: RedisClient;
beforeAll(async () => {
  redis = await startTestRedis();
  client = connectRedis(redis.url, { role: "worker" });
  blocking = connectRedis(redis.url, { role: "worker" });
  await Promise.all([waitReady(client), waitReady(blocking)]);
});
afterAll(async () => {
  client.disconnect();
  blocking.disconnect();
  await redis.stop();
});
beforeEach(() => client.flushdb());

describe("the connection lease", () => {
  it("has one holder at a time, frees itself when not renewed, and fences every new holder", async () => {
    const a = createConnectionLease({ redis: client, keys, owner: "host-a:1", ttlMs: 2_000 });
    const b = createConnectionLease({ redis: client, keys, owner: "host-b:2", ttlMs: 2_000 });
    const first = await a.acquire();
    expect(first).toEqual({ fence: 1, owner: "host-a:1" });
    expect(await b.acquire()).toBeUndefined();
    expect(await a.renew(first!)).toBe(true);
    await waitFor("the lease to expire", async () => (await b.read()) === undefined);
    const second = await b.acquire();
    expect(second).toEqual({ fence: 2, owner: "host-b:2" });
    // The old holder, back from a pause, learns it was replaced and cannot give the lease away.
    expect(await a.renew(first!)).toBe(false);
    await a.release(first!);
    expect(await b.read()).toEqual(second);
  });
});

describe("the connection outbox", () => {
  it("withdraws a frame nobody took: never sent, safe to try again", async () => {
    const outbox = createConnectionOutbox({ redis: client, keys });
    const outcome = await outbox.request({ cmd: "aibot_send_msg", chatid: "wr1", body: { msgtype: "markdown", markdown: { content: "x" } } }, 200);
    expect(outcome.outcome).toBe("wait");
    expect(await client.llen(keys.connectionOutbox())).toBe(0);
  });

  it("hands a frame to the holder, oldest first, and brings back its answer", async () => {
    const outbox = createConnectionOutbox({ redis: client, keys });
    const frame = (content: string) => ({ cmd: "aibot_send_msg" as const, chatid: "wr1", body: { msgtype: "markdown" as const, markdown: { content } } });
    const answers = [outbox.request(frame("first"), 2_000), outbox.request(frame("second"), 2_000)];
    for (const expected of ["first", "second"]) {
      const entry = await outbox.take(blocking, 1, 1);
      expect(entry?.frame).toMatchObject({ body: { markdown: { content: expected } } });
      await outbox.answer(entry!, expected === "first" ? { outcome: "ok" } : { outcome: "permanent", reason: "invalid chatid", errcode: 93006 });
    }
    expect(await Promise.all(answers)).toEqual([{ outcome: "ok" }, { outcome: "permanent", reason: "invalid chatid", errcode: 93006 }]);
  });
});

const reply = (reqId: string): OutboundFrame => ({ cmd: "aibot_respond_msg", reqId, body: { msgtype: "markdown", markdown: { content: reqId } } });
const push = (content: string): OutboundFrame => ({ cmd: "aibot_send_msg", chatid: "wr1", body: { msgtype: "markdown", markdown: { content } } });
const cmdOf = (frame: OutboundFrame | undefined) => (frame && "reqId" in frame ? frame.reqId : frame?.cmd);

describe("frames a holder took", () => {
  it("outlive the holder: the next one puts its owed replies back in order, and answers a waiting requester retry", async () => {
    const outbox = createConnectionOutbox({ redis: client, keys });
    await outbox.post(reply("r1"));
    await outbox.post(reply("r2"));
    const requested = outbox.request(push("p1"), 2_000);
    // Holder 1 takes all three and stops (SIGKILL) before finishing any.
    const taken = [await outbox.take(blocking, 1, 1), await outbox.take(blocking, 1, 1), await outbox.take(blocking, 1, 1)];
    expect(taken.map((entry) => cmdOf(entry?.frame))).toEqual(["r1", "r2", "aibot_send_msg"]);
    expect(await client.llen(keys.connectionOutbox())).toBe(0);
    expect(await outbox.recover(2)).toEqual([]);
    expect(await requested).toMatchObject({ outcome: "retry" });
    const again = [await outbox.take(blocking, 2, 1), await outbox.take(blocking, 2, 1)];
    expect(again.map((entry) => cmdOf(entry?.frame))).toEqual(["r1", "r2"]);
    // Each counted the try that may have gone out with holder 1.
    expect(again.map((entry) => entry?.owed?.attempts)).toEqual([2, 2]);
    expect(await client.llen(keys.connectionTaken(1))).toBe(0);
  });

  it("are not taken back from a holder that finished them, nor twice", async () => {
    const outbox = createConnectionOutbox({ redis: client, keys });
    await outbox.post(reply("r1"));
    const entry = await outbox.take(blocking, 1, 1);
    await outbox.finish(entry!);
    await outbox.post(reply("r2"));
    const second = await outbox.take(blocking, 1, 1);
    await Promise.all([outbox.recover(2), outbox.recover(3)]);
    // A holder that was only paused puts it back too late: it stays once.
    await outbox.putBack(second!);
    expect(await client.lrange(keys.connectionOutbox(), 0, -1)).toHaveLength(1);
  });
});

describe("an owed reply WeCom keeps refusing", () => {
  it("waits behind the other frames, its wait doubling, and is given up after its tries", async () => {
    let now = 1_000_000;
    const limits = { attempts: 3, ttlMs: 60_000, firstRetryMs: 100 };
    const outbox = createConnectionOutbox({ redis: client, keys, limits, now: () => now });
    await outbox.post(reply("r1"));
    const first = await outbox.take(blocking, 1, 1);
    expect(await outbox.retryLater(first!)).toBeUndefined();
    // Not in the way: a push handed over now is taken next.
    const requested = outbox.request(push("p1"), 5_000);
    const next = await outbox.take(blocking, 1, 1);
    expect(next?.frame.cmd).toBe("aibot_send_msg");
    await outbox.answer(next!, { outcome: "ok" });
    expect(await requested).toEqual({ outcome: "ok" });
    // Due after its wait: the holder's recovery puts it back in front.
    await waitFor("the retry to fall due", async () => {
      await outbox.recover(1);
      return (await client.llen(keys.connectionOutbox())) === 1;
    });
    const second = await outbox.take(blocking, 1, 1);
    expect(second?.owed).toEqual({ since: 1_000_000, attempts: 2 });
    expect(await outbox.retryLater(second!)).toBe("attempts");
    expect(await client.llen(keys.connectionTaken(1))).toBe(0);
    expect(await client.zcard(keys.connectionRetries())).toBe(0);
    // One past its age is given up at its next failure, whatever its tries.
    await outbox.post(reply("r2"));
    now += 60_000;
    expect(await outbox.retryLater((await outbox.take(blocking, 1, 1))!)).toBe("expired");
  });
});
