import { randomUUID } from "node:crypto";
import { Writable } from "node:stream";
import { setTimeout as sleep } from "node:timers/promises";
import pino from "pino";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { Config } from "../../src/config/schema.js";
import { createManualClock } from "../../src/clock/clock.js";
import { createPushQueue, DEFAULT_REQUEST_TIMEOUT_MS, type PushQueue, type PushQueueOptions } from "../../src/push/push-queue.js";
import { formatPushFailure } from "../../src/push/push-warnings.js";
import { formatPushJobId } from "../../src/push/enqueue.js";
import { readPushStatus } from "../../src/push/delivery-log.js";
import { createKeys, type Keys } from "../../src/store/keys.js";
import { startFakeWebhook, type FakeWebhook } from "../../src/wecom/simulator/fake-webhook.js";
import { startTestRedis, type TestRedis } from "../support/redis.js";
import { maxInWindow } from "../support/max-in-window.js";
import { waitFor } from "../support/wait-for.js";
import { LEADERS_KEY, PRINCIPALS_KEY, PUSH_GROUPS } from "../support/push-groups.js";
import { processPushJob } from "../../jobs/index.js";

/** The service's clock while these pushes go out. */
const SENT_AT = "2026-11-20T01:30:00.000Z";

const groups: Config["groups"] = {
  ...PUSH_GROUPS,
  broken: { name: "旧群", webhook_key: "revoked-key-0000", role: "schools", schools: "all" },
};

/** Log lines as JSON objects, through a real pino logger. */
function captureLog() {
  const lines: Record<string, unknown>[] = [];
  const raw: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString("utf8").split("\n").filter(Boolean)) {
        raw.push(line);
        lines.push(JSON.parse(line) as Record<string, unknown>);
      }
      done();
    },
  });
  return { log: pino({ level: "debug" }, stream), lines, raw };
}

describe("push queue", () => {
  let redis: TestRedis;
  let fake: FakeWebhook;
  let keys: Keys;
  let queueName: string;
  let opened: PushQueue[] = [];
  let logs: ReturnType<typeof captureLog>;

  beforeAll(async () => {
    redis = await startTestRedis();
  });
  afterAll(() => redis.stop());

  const setUp = async (windowMs = 1000) => {
    keys = createKeys(`pq-${randomUUID().slice(0, 8)}`);
    queueName = `{push-${randomUUID().slice(0, 8)}}`;
    fake = await startFakeWebhook({
      keys: { [PRINCIPALS_KEY]: "校长群", [LEADERS_KEY]: "领导群" },
      limit: 20,
      windowMs,
    });
    logs = captureLog();
  };

  /** A queue on its own connection, as another process would have. */
  const open = (overrides: Partial<PushQueueOptions> = {}, windowMs = 1000) => {
    const queue = createPushQueue({
      connection: redis.client(),
      keys,
      groups,
      apiBase: fake.url,
      fetch: globalThis.fetch,
      log: logs.log,
      queueName,
      rateLimit: { perWindow: 20, windowMs },
      retry: { attempts: 5, delayMs: 50 },
      requestTimeoutMs: 2000,
      orderPollMs: 30,
      clock: createManualClock(new Date(SENT_AT)),
      ...overrides,
    });
    opened.push(queue);
    return queue;
  };

  afterEach(async () => {
    await Promise.all(opened.map((q) => q.close()));
    opened = [];
    await fake.stop();
  });

  it("answers, when asked, when a push should go out: after the parts queued before it, one after the other in the window", async () => {
    await setUp();
    // No worker: nothing goes out, the window stays empty and the parts wait.
    const pq = open({ rateLimit: { perWindow: 1, windowMs: 60_000 } });
    const push = (i: number) => ({ idempotencyKey: `remind:eta:${i}`, group: "principals", message: { msgtype: "text" as const, lines: [{ text: `请报平安 ${i}` }] } });
    expect(await pq.enqueue(push(1), { estimate: true })).toBe(0);
    expect(await pq.enqueue(push(2), { estimate: true })).toBe(60_000);
    expect(await pq.enqueue(push(3), { estimate: true })).toBe(120_000);
    // Queued again (a retried job), the push does not wait behind its own parts.
    expect(await pq.enqueue(push(3), { estimate: true })).toBe(120_000);
    // A held push goes out when its hold ends; unasked, enqueue answers nothing.
    expect(await pq.enqueue(push(4), { estimate: true, delayMs: 5_000 })).toBe(5_000);
    expect(await pq.enqueue(push(5))).toBeUndefined();
    expect(await pq.queue.getJobCounts("waiting", "delayed")).toEqual({ waiting: 4, delayed: 1 });
  });

  it("delivers a long list in as few parts as fit, in order, each with its own mentions", async () => {
    await setUp();
    const pq = open({ concurrency: 8 });
    pq.startWorker(processPushJob);
    open({ concurrency: 8 }).startWorker(processPushJob);
    const lines = Array.from({ length: 30 }, (_, i) => ({ text: `${"城".repeat(227)}${i % 10}`, mentions: [`r${i}`] })); // 682 bytes
    await pq.enqueue({ idempotencyKey: "remind:safety:2026-11-20:09:30", group: "principals", message: { msgtype: "text", lines } });
    await waitFor("10 parts", () => fake.messages.length === 10);
    expect(fake.messages.map((m) => m.group)).toEqual(new Array(10).fill("校长群"));
    expect(fake.messages.map((m) => m.mentioned_list)).toEqual(
      Array.from({ length: 10 }, (_, p) => [`r${3 * p}`, `r${3 * p + 1}`, `r${3 * p + 2}`]),
    );
    expect(fake.messages.map((m) => m.content).join("\n")).toBe(lines.map((l) => l.text).join("\n"));
    expect(fake.rejected).toEqual([]);
    // The status is written after WeCom answered.
    await waitFor("status", async () => (await readPushStatus(redis.client(), keys)).principals?.sent === 10);
    const status = await readPushStatus(redis.client(), keys);
    // When it went out, by the service's clock, as /healthz shows it.
    expect(status.principals).toMatchObject({ sent: 10, failed: 0, retried: 0, last: { outcome: "sent", at: SENT_AT } });
  });

  it("retries a 45009 with backoff and delivers once", async () => {
    await setUp();
    const pq = open();
    pq.startWorker(processPushJob);
    fake.failNext(LEADERS_KEY, 45009, 2);
    await pq.enqueue({ idempotencyKey: "alert:1", group: "leaders", message: { msgtype: "markdown", lines: [{ text: "**异常** 城关小学" }] } });
    await waitFor("delivery", () => fake.messages.length === 1);
    await waitFor("status", async () => (await readPushStatus(redis.client(), keys)).leaders?.sent === 1);
    await sleep(200);
    expect(fake.rejected.map((r) => r.errcode)).toEqual([45009, 45009]);
    expect(fake.messages.map((m) => m.content)).toEqual(["**异常** 城关小学"]);
    const status = await readPushStatus(redis.client(), keys);
    expect(status.leaders).toMatchObject({ sent: 1, retried: 2, failed: 0 });
  });

  it("rides out WeCom's own 45009 when its limit is tighter than ours, keeping parts in order", async () => {
    await setUp();
    fake.setLimit(2, 500);
    const pq = open({ retry: { attempts: 10, delayMs: 100 } });
    pq.startWorker(processPushJob);
    const lines = Array.from({ length: 6 }, (_, i) => ({ text: `${"安".repeat(600)}${i}` }));
    await pq.enqueue({ idempotencyKey: "tally:1", group: "leaders", message: { msgtype: "text", header: "汇总", lines } });
    await waitFor("6 parts", () => fake.messages.length === 6);
    expect(fake.rejected.some((r) => r.errcode === 45009)).toBe(true);
    expect(fake.messages.map((m) => m.content.split("\n")[0])).toEqual([
      "汇总（1/6）",
      "汇总（续 2/6）",
      "汇总（续 3/6）",
      "汇总（续 4/6）",
      "汇总（续 5/6）",
      "汇总（续 6/6）",
    ]);
  });

  it("retries a reset connection and an HTTP 500", async () => {
    await setUp();
    const pq = open();
    pq.startWorker(processPushJob);
    fake.failNext(PRINCIPALS_KEY, "reset");
    fake.failNext(PRINCIPALS_KEY, "http-500");
    await pq.enqueue({ idempotencyKey: "n:1", group: "principals", message: { msgtype: "text", lines: [{ text: "hi" }] } });
    await waitFor("delivery", () => fake.messages.length === 1);
    expect(fake.rejected.map((r) => r.status)).toEqual([0, 500]);
  });

  it("fails a 93000 after exactly one request, logs the group's name, never the key, and counts it", async () => {
    await setUp();
    const pq = open();
    const worker = pq.startWorker(processPushJob);
    const failed = new Promise<string>((resolve) => worker.on("failed", (_job, error) => resolve(error.message)));
    await pq.enqueue({ idempotencyKey: "remind:x", group: "broken", message: { msgtype: "text", lines: [{ text: "请报平安" }] } });
    expect(await failed).toMatch(/^errcode 93000: invalid webhook url/);
    await sleep(500);
    expect(fake.rejected.map((r) => r.errcode)).toEqual([93000]);
    expect(fake.messages).toEqual([]);
    const job = await pq.queue.getJob(formatPushJobId("remind:x", 0));
    expect(await job?.getState()).toBe("failed");
    expect(job?.attemptsMade).toBe(1);
    const entry = logs.lines.find((l) => l.msg === "push failed");
    expect(entry).toMatchObject({ level: 50, group: "旧群", groupId: "broken", errcode: 93000 });
    expect(logs.raw.join("\n")).not.toContain("revoked-key-0000");
    const status = await readPushStatus(redis.client(), keys);
    expect(status.broken).toMatchObject({ failed: 1, sent: 0, last: { outcome: "failed", errcode: 93000 } });
    expect(JSON.stringify(status)).not.toContain("revoked-key-0000");
  });

  it("keeps a group's failure open until a push to it succeeds, counting the pushes it lost", async () => {
    await setUp();
    const pq = open();
    pq.startWorker(processPushJob);
    fake.failNext(LEADERS_KEY, 93000, 2);
    const alert = (n: number) => ({ idempotencyKey: `alert:m${n}:leaders`, group: "leaders", message: { msgtype: "text" as const, lines: [{ text: `异常 ${n}` }] } });
    await pq.enqueue(alert(1));
    await pq.enqueue(alert(2));
    await waitFor("two lost alerts", async () => (await readPushStatus(redis.client(), keys)).leaders?.failing?.lost.alert === 2);
    const failing = (await readPushStatus(redis.client(), keys)).leaders!.failing!;
    expect(failing).toMatchObject({ errcode: 93000, lost: { alert: 2 } });
    expect(formatPushFailure("领导群", failing)).toBe("⚠️ 领导群推送失败：群机器人 key 无效（机器人可能被移出群或重新生成了 key），2 条异常提醒未送达。请信息中心检查群机器人设置。");
    await pq.enqueue(alert(3));
    await waitFor("a push that succeeds", () => fake.messages.length === 1);
    await waitFor("the failure closed", async () => (await readPushStatus(redis.client(), keys)).leaders?.failing === undefined);
  });

  it("sends each message once while the webhook hangs 30 s before answering", async () => {
    await setUp(60_000);
    // The product's default timeout: the point is that it outlasts such a hang.
    const pq = open({ requestTimeoutMs: DEFAULT_REQUEST_TIMEOUT_MS, concurrency: 4, retry: { attempts: 5, delayMs: 1000 } }, 60_000);
    pq.startWorker(processPushJob);
    fake.failNext(PRINCIPALS_KEY, { hangMs: 30_000 }, 4);
    for (let i = 0; i < 4; i += 1) {
      await pq.enqueue({ idempotencyKey: `remind:hang:${i}`, group: "principals", message: { msgtype: "text", lines: [{ text: `请报平安 ${i}` }] } });
    }
    await waitFor("four messages", () => fake.messages.length >= 4, { timeoutMs: 60_000, everyMs: 200 });
    await sleep(1500);
    const contents = fake.messages.map((m) => m.content).sort();
    expect(contents).toEqual(["请报平安 0", "请报平安 1", "请报平安 2", "请报平安 3"]);
  });

  it("does not send the rest of a push after a part failed for good", async () => {
    await setUp();
    const pq = open();
    pq.startWorker(processPushJob);
    fake.failNext(PRINCIPALS_KEY, 40008);
    const lines = Array.from({ length: 9 }, (_, i) => ({ text: `${"校".repeat(200)}${i}` }));
    await pq.enqueue({ idempotencyKey: "p:fail", group: "principals", message: { msgtype: "text", lines } });
    await waitFor("3 failed jobs", async () => (await pq.queue.getJobCounts("failed")).failed === 3);
    expect(fake.rejected.map((r) => r.errcode)).toEqual([40008]);
    expect(fake.messages).toEqual([]);
  });

  it("sends a push enqueued twice, by two processes, once; a retried delivered job sends nothing", async () => {
    await setUp();
    const a = open();
    const b = open();
    const push = { idempotencyKey: "alert:safety:2026-11-20:c001", group: "leaders", message: { msgtype: "text" as const, lines: [{ text: "异常：城关小学" }] } };
    await Promise.all([a.enqueue(push), b.enqueue(push), a.enqueue(push)]);
    a.startWorker(processPushJob);
    b.startWorker(processPushJob);
    await waitFor("delivery", () => fake.messages.length === 1);
    const job = await a.queue.getJob(formatPushJobId(push.idempotencyKey, 0));
    await waitFor("completed", async () => (await job!.getState()) === "completed");
    await job!.retry("completed");
    await waitFor("completed again", async () => (await job!.getState()) === "completed");
    // Gone from BullMQ altogether, the push is still known as delivered.
    await a.queue.obliterate({ force: true });
    await b.enqueue(push);
    await sleep(300);
    expect(fake.messages).toHaveLength(1);
    expect(await a.queue.count()).toBe(0);
  });

  it("waits while another worker holds a part's lease, then sends it (at-least-once after a crash)", async () => {
    await setUp();
    const pq = open();
    const client = redis.client();
    const partKey = keys.pushPart("lease:1", 0);
    await client.set(partKey, "sending:crashed-worker", "PX", 1500);
    pq.startWorker(processPushJob);
    await pq.enqueue({ idempotencyKey: "lease:1", group: "principals", message: { msgtype: "text", lines: [{ text: "平安" }] } });
    const job = await pq.queue.getJob(formatPushJobId("lease:1", 0));
    await waitFor("the job to wait", async () => (await job!.getState()) === "delayed");
    expect(await client.get(partKey)).toBe("sending:crashed-worker");
    expect(fake.messages).toEqual([]);
    await waitFor("delivery", () => fake.messages.length === 1);
    expect(fake.rejected).toEqual([]);
    await waitFor("sent mark", async () => (await client.get(partKey)) === "sent");
    expect(await client.get(keys.pushDone("lease:1"))).toBe("1");
    // Waiting for the lease burnt no attempt: the job completed on its first.
    await waitFor("completed", async () => (await job!.getState()) === "completed");
    const done = await pq.queue.getJob(formatPushJobId("lease:1", 0));
    expect(done?.attemptsMade).toBe(1);
  });

  it("two workers on two connections deliver 60 messages without passing 20 in any window", async () => {
    const windowMs = 1000;
    await setUp(windowMs);
    // One attempt only: waiting for the window must not count as one.
    const a = open({ concurrency: 10, retry: { attempts: 1 } }, windowMs);
    const b = open({ concurrency: 10, retry: { attempts: 1 } }, windowMs);
    a.startWorker(processPushJob);
    b.startWorker(processPushJob);
    await Promise.all(
      Array.from({ length: 60 }, (_, i) =>
        (i % 2 ? a : b).enqueue({ idempotencyKey: `bulk:${i}`, group: "principals", message: { msgtype: "text", lines: [{ text: `第${i}条` }] } }),
      ),
    );
    await waitFor("60 messages", () => fake.messages.length === 60, { timeoutMs: 10_000 });
    expect(fake.rejected).toEqual([]);
    expect(maxInWindow(fake.messages.map((m) => m.at), windowMs)).toBe(20);
    expect(new Set(fake.messages.map((m) => m.content)).size).toBe(60);
    await waitFor("all completed", async () => (await a.queue.getJobCounts("completed")).completed === 60);
  });

  it("refuses a push to a group that is not configured", async () => {
    await setUp();
    const pq = open();
    await expect(pq.enqueue({ idempotencyKey: "x", group: "nobody", message: { msgtype: "text", lines: [{ text: "x" }] } })).rejects.toThrow(
      /unknown group "nobody"/,
    );
  });
});
