import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { connectRedis, waitReady, type RedisClient } from "../../src/store/connect-redis.js";
import { createKeys } from "../../src/store/keys.js";
import { createConnectionLease } from "../../src/wecom/connection-lease.js";
import { createConnectionOutbox } from "../../src/wecom/connection-outbox.js";
import { startTestRedis, type TestRedis } from "../support/redis.js";

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
    const a = createConnectionLease({ redis: client, keys, owner: "host-a:1", ttlMs: 200 });
    const b = createConnectionLease({ redis: client, keys, owner: "host-b:2", ttlMs: 200 });
    const first = await a.acquire();
    expect(first).toEqual({ fence: 1, owner: "host-a:1" });
    expect(await b.acquire()).toBeUndefined();
    expect(await a.renew(first!)).toBe(true);
    await new Promise((done) => setTimeout(done, 300));
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
      const entry = await outbox.take(blocking, 1);
      expect(entry?.frame).toMatchObject({ body: { markdown: { content: expected } } });
      await outbox.answer(entry!, expected === "first" ? { outcome: "ok" } : { outcome: "permanent", reason: "invalid chatid", errcode: 93006 });
    }
    expect(await Promise.all(answers)).toEqual([{ outcome: "ok" }, { outcome: "permanent", reason: "invalid chatid", errcode: 93006 }]);
  });
});
