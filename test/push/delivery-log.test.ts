import { createHash, randomUUID } from "node:crypto";
import pino from "pino";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createManualClock } from "../../src/clock/clock.js";
import { createPushQueue, type PushQueue, type PushQueueOptions } from "../../src/push/push-queue.js";
import { OWED_PROBE_MS } from "../../src/push/mailbox.js";
import { deliveryId } from "../../src/push/delivery-log.js";
import type { Push } from "../../src/message/push.js";
import { createKeys, type Keys } from "../../src/store/keys.js";
import { startFakeWebhook, type FakeWebhook } from "../../src/wecom/simulator/fake-webhook.js";
import { startTestRedis, type TestRedis } from "../support/redis.js";
import { waitFor } from "../support/wait-for.js";
import { LEADERS_KEY, PRINCIPALS_KEY, PUSH_GROUPS as groups } from "../support/push-groups.js";
import { processPushJob } from "../../jobs/index.js";

const REPORTED_AT = "2026-11-20T01:30:00.000Z";

const digest = (text: string) => createHash("sha256").update(text).digest("hex").slice(0, 12);

const alert = (n: number, text = `异常 学校${n}：围栏倒塌`): Push => ({
  idempotencyKey: `alert:m${n}:leaders`,
  group: "leaders",
  message: { msgtype: "markdown", lines: [{ text }] },
  about: { school: `S${n}`, task: "safety", period: "2026-11-20", msgid: `m${n}` },
  causedAt: REPORTED_AT,
});

let redis: TestRedis;
beforeAll(async () => {
  redis = await startTestRedis();
});
afterAll(() => redis.stop());

/** The push queue under test, its fake robot, keys and clock; closed after each test. */
let fake: FakeWebhook;
let keys: Keys;
let clock: ReturnType<typeof createManualClock>;
let closeQueue: (() => Promise<void>) | undefined;
afterEach(async () => {
  await closeQueue?.();
  await fake.stop();
});

async function open(overrides: Partial<PushQueueOptions> = {}): Promise<PushQueue> {
  keys = createKeys(`dl-${randomUUID().slice(0, 8)}`);
  clock = createManualClock(new Date(REPORTED_AT));
  fake = await startFakeWebhook({ keys: { [PRINCIPALS_KEY]: "校长群", [LEADERS_KEY]: "领导群" } });
  const queue = createPushQueue({
    connection: redis.client(),
    keys,
    groups,
    apiBase: fake.url,
    fetch: globalThis.fetch,
    log: pino({ level: "silent" }),
    queueName: `{dl-${randomUUID().slice(0, 8)}}`,
    rateLimit: { perWindow: 20, windowMs: 1000 },
    retry: { attempts: 3, delayMs: 50 },
    requestTimeoutMs: 2000,
    orderPollMs: 30,
    clock,
    retentionDays: 30,
    ...overrides,
  });
  closeQueue = () => queue.close();
  queue.startWorker(processPushJob);
  return queue;
}

describe("delivery log", () => {
  it("logs each part of a push with its digest, way, attempts and latency, never its text", async () => {
    const pq = await open();
    const lines = Array.from({ length: 12 }, (_, i) => ({ text: `${"城".repeat(227)}${i}` }));
    // The alert is queued 1.5 s after its report came.
    clock.advance(1500);
    await pq.enqueue({ idempotencyKey: "remind:safety:2026-11-20:09:30", group: "principals", message: { msgtype: "text", lines } });
    await pq.enqueue(alert(1));
    await waitFor("every part sent", async () => (await pq.deliveries.list()).every((entry) => entry.outcome === "sent"));
    const entries = await pq.deliveries.list();
    const parts = fake.messages.filter((m) => m.group === "校长群").length;
    expect(parts).toBeGreaterThan(1);
    // Queued in the same millisecond: in the order of their ids.
    expect(entries.map((e) => [e.kind, e.group, e.part])).toEqual([
      ["alert", "leaders", "1/1"],
      ...Array.from({ length: parts }, (_, i) => ["remind", "principals", `${i + 1}/${parts}`]),
    ]);
    // The log agrees with what WeCom received, message for message.
    expect(entries.map((e) => e.digest).sort()).toEqual(fake.messages.map((m) => digest(m.content)).sort());
    expect(entries.every((e) => e.attempts === 1 && e.way === "webhook" && e.errcode === undefined)).toBe(true);
    // An alert's latency runs from its report; a reminder's from its enqueueing.
    expect(entries[0]!.latencyMs).toBe(1500);
    expect(entries[1]!.latencyMs).toBe(0);
    const stored = JSON.stringify(await redis.client().hgetall(keys.deliveries()));
    expect(stored).not.toContain("城城城");
    expect(stored).not.toContain("围栏");
  });

  it("re-sends an alert lost to a revoked key once its group is reached again, and lists it until then", async () => {
    const pq = await open();
    fake.failNext(LEADERS_KEY, 93000, 1);
    await pq.enqueue(alert(1));
    await waitFor("the alert failed", async () => (await pq.deliveries.list({ failed: true })).some((e) => e.errcode === 93000));
    expect((await pq.deliveries.list({ failed: true })).map((e) => [e.id, e.outcome, e.errcode])).toEqual([["alert:m1:leaders#0", "failed", 93000]]);
    // An alert for another school goes out: the group can be reached, and the lost one goes back
    // into the mailbox ahead of it, in the order of their events (merged into one message or not).
    await pq.enqueue(alert(2));
    const received = () => fake.messages.map((m) => m.content).join("\n");
    await waitFor("both delivered", () => received().includes("学校1") && received().includes("学校2"));
    expect(received().split("\n")).toEqual(["异常 学校1：围栏倒塌", "异常 学校2：围栏倒塌"]);
    await waitFor("the lost one logged as sent", async () => (await pq.deliveries.list({ failed: true })).length === 0);
    expect((await pq.deliveries.read("alert:m1:leaders#0"))!).toMatchObject({ outcome: "sent", attempts: 2 });
  });

  it("probes a group whose alert is owed, and stops re-sending one an admin cleared", async () => {
    const pq = await open();
    fake.failNext(LEADERS_KEY, 93000, 1_000_000);
    await pq.enqueue(alert(1));
    await pq.enqueue(alert(2));
    await waitFor("both failed", async () => (await pq.deliveries.list({ failed: true })).filter((e) => e.outcome === "failed").length === 2);
    // The key works again, but nothing is sent to the group that would show it.
    fake.recover(LEADERS_KEY);
    expect(await pq.deliveries.clear("alert:m2:leaders#0")).toBe(true);
    expect(await pq.deliveries.clear("alert:m2:leaders#0")).toBe(false);
    expect(await pq.deliveries.clear("no-such#0")).toBe(false);
    // Not yet: the probe waits after the last try.
    expect(await pq.ensureAlertTurns()).toEqual([]);
    clock.advance(OWED_PROBE_MS);
    expect(await pq.ensureAlertTurns()).toEqual(["leaders"]);
    await waitFor("the owed alert delivered", () => fake.messages.length === 1);
    expect(fake.messages[0]!.content).toBe("异常 学校1：围栏倒塌");
    await waitFor("nothing undelivered", async () => (await pq.deliveries.list({ failed: true })).length === 0);
    expect((await pq.deliveries.read("alert:m2:leaders#0"))!.outcome).toBe("cleared");
  });

  it("keeps entries for the retention period only", async () => {
    const pq = await open();
    await pq.enqueue(alert(1));
    await waitFor("sent", async () => (await pq.deliveries.read("alert:m1:leaders#0"))?.outcome === "sent");
    clock.advance(31 * 24 * 3600_000);
    await pq.enqueue(alert(2));
    expect((await pq.deliveries.list()).map((e) => e.id)).toEqual(["alert:m2:leaders#0"]);
  });

  it("keeps the first copy of a part sent again after a crash as one that may have arrived, and the first delivery as the part's", async () => {
    const pq = await open();
    const id = "alert:crash:leaders#0";
    await pq.deliveries.queued({ idempotencyKey: "alert:crash:leaders", group: "leaders", causedAt: REPORTED_AT }, [{ msgtype: "markdown", markdown: { content: "异常 学校1：围栏倒塌" } }]);
    clock.advance(3_000);
    await pq.deliveries.attempted(id, { outcome: "sent", way: "webhook", merged: 2, digest: digest("digest of two") });
    // The mailbox's worker died after logging it sent, before its cursor moved: the next one sends it again, merged otherwise.
    clock.advance(30_000);
    const { entry } = await pq.deliveries.attempted(id, { outcome: "sent", way: "webhook", merged: 3, digest: digest("digest of three") });
    expect(entry).toMatchObject({ attempts: 2, sentDigest: digest("digest of three"), mayHaveArrived: [digest("digest of two")], latencyMs: 3_000 });
  });

  it("logs a part its sender marked sent but died before logging, so it is not left among the undelivered", async () => {
    const pq = await open();
    const push: Push = { idempotencyKey: "remind:crash:principals", group: "principals", message: { msgtype: "text", lines: [{ text: "请报平安" }] } };
    // The sender died between marking the part sent and logging it: the entry still says queued.
    await pq.deliveries.queued(push, [{ msgtype: "text", text: { content: "请报平安" } }]);
    await redis.client().set(keys.pushPart(push.idempotencyKey, 0), "sent");
    expect(await pq.deliveries.list({ failed: true })).toHaveLength(1);
    await pq.enqueue(push);
    await waitFor("the part logged", async () => (await pq.deliveries.read(deliveryId(push.idempotencyKey, 0)))?.outcome === "sent");
    expect(fake.messages).toEqual([]);
    expect(await pq.deliveries.list({ failed: true })).toEqual([]);
    expect(await pq.deliveries.read(deliveryId(push.idempotencyKey, 0))).toMatchObject({ attempts: 1, sentDigest: digest("请报平安") });
  });

  it("waits longer after a timed-out request, so a hang longer than the timeout costs one copy at most", async () => {
    const pq = await open({ requestTimeoutMs: 1000, retry: { attempts: 6, delayMs: 50 } });
    // Every request hangs 1.5 s and is then delivered, however long ago its caller gave up.
    fake.failNext(PRINCIPALS_KEY, { hangMs: 1500 }, 1_000_000);
    for (let i = 0; i < 3; i += 1) await pq.enqueue({ idempotencyKey: `remind:hang:${i}`, group: "principals", message: { msgtype: "text", lines: [{ text: `请报平安 ${i}` }] } });
    await waitFor("every reminder logged as sent", async () => (await pq.deliveries.list()).filter((e) => e.outcome === "sent").length === 3, { timeoutMs: 20_000 });
    // The timed-out requests land too: wait until the fake has answered every request it took.
    await waitFor("the late copies", () => fake.messages.length >= 6, { timeoutMs: 5_000 });
    const copies = new Map<string, number>();
    for (const m of fake.messages) copies.set(m.content, (copies.get(m.content) ?? 0) + 1);
    expect([...copies.values()]).toEqual([2, 2, 2]);
    expect((await pq.deliveries.list()).map((e) => [e.attempts, e.timeouts])).toEqual([[2, 1], [2, 1], [2, 1]]);
  });
});
