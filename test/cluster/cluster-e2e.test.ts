import { createHash } from "node:crypto";
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Queue } from "bullmq";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startLocalCluster, type LocalCluster } from "../../scripts/redis-cluster.js";
import { connectRedis, waitReady, type RedisClient } from "../../src/store/connect-redis.js";
import { SCHEDULE_QUEUE_NAME, type ScheduleJobData } from "../../src/schedule/scheduler.js";
import { PUSH_QUEUE_NAME } from "../../src/push/push-queue.js";
import { createKeys } from "../../src/store/keys.js";
import { createDeliveryLog, digestOf } from "../../src/push/delivery-log.js";
import type { PartBody } from "../../src/push/push.js";
import { createClock } from "../../src/clock/clock.js";
import { startFakeWebhook, type FakeWebhook, type FakeWebhookMessage } from "../../src/wecom/simulator/fake-webhook.js";
import { createWecomSimulator, type WecomSimulator } from "../../src/wecom/simulator/wecom-simulator.js";
import { TEST_AES_KEY, TEST_ENV, TEST_TOKEN } from "../support/test-env.js";
import { maxInWindow } from "../support/max-in-window.js";
import { waitFor } from "../support/wait-for.js";
import { startServiceProcess, type ServiceProcess } from "../support/service-process.js";

/**
 * Province scale on one machine: a 3-master Redis Cluster, two `pingan start --web` processes
 * and three `pingan start --workers` processes, all separate OS processes. Principals and
 * leaders talk to both web processes; pushes and scheduled jobs go through the workers.
 */
let dir: string;
let cluster: LocalCluster;
let webhook: FakeWebhook;
let redis: RedisClient;
let scheduleQueue: Queue<ScheduleJobData>;
let pushQueue: Queue;
const webs: ServiceProcess[] = [];
const workers: ServiceProcess[] = [];
let sims: WecomSimulator[] = [];

const at = (local: string) => new Date(`${local}+08:00`).getTime();

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "pingan-cluster-e2e-"));
  cluster = await startLocalCluster({ dir });
  webhook = await startFakeWebhook({ keys: { [TEST_ENV.WEBHOOK_KEY_PRINCIPALS]: "全县校长群", [TEST_ENV.WEBHOOK_KEY_LEADERS]: "局领导群" } });
  // The example config, without the reminder cooldown: the pacing test sends 25 提醒 in a row.
  copyFileSync("config/schools.example.csv", join(dir, "schools.example.csv"));
  const yaml = `${readFileSync("config/pingan.example.yaml", "utf8")}\nlimits:\n  remind_cooldown_minutes: 0\n`;
  writeFileSync(join(dir, "pingan.yaml"), yaml);
  const env = { REDIS_URL: cluster.url, WECOM_API_BASE: webhook.url, PINGAN_NOW: "2026-11-24T08:30:00+08:00", PINGAN_CONFIG: join(dir, "pingan.yaml") };
  const started = await Promise.all([
    startServiceProcess(env, ["--web"]),
    startServiceProcess(env, ["--web"]),
    startServiceProcess(env, ["--workers"]),
    startServiceProcess(env, ["--workers"]),
    startServiceProcess(env, ["--workers"]),
  ]);
  webs.push(...started.slice(0, 2));
  workers.push(...started.slice(2));
  sims = webs.map((w) => createWecomSimulator({ baseUrl: w.url, token: TEST_TOKEN, encodingAESKey: TEST_AES_KEY }));
  redis = connectRedis(cluster.url, { role: "worker" });
  await waitReady(redis);
  scheduleQueue = new Queue<ScheduleJobData>(SCHEDULE_QUEUE_NAME, { connection: redis, prefix: createKeys().bullPrefix() });
  pushQueue = new Queue(PUSH_QUEUE_NAME, { connection: redis, prefix: createKeys().bullPrefix() });
  // Five processes starting at once on a loaded two-core machine: each says when it started (startServiceProcess).
}, 240_000);

afterAll(async () => {
  await Promise.all([...webs, ...workers].map((p) => p.kill("SIGKILL")));
  await scheduleQueue?.close();
  await pushQueue?.close();
  redis?.disconnect();
  await webhook.stop();
  await cluster.stop();
  rmSync(dir, { recursive: true, force: true });
});

/**
 * Nothing left to run or send: no scheduled job waiting or running (a stalled one counts until
 * it is run again; the schedulers' next firings are always delayed), no push waiting, delayed
 * or running.
 */
async function settled(): Promise<boolean> {
  const counts = await Promise.all([
    scheduleQueue.getJobCounts("waiting", "active", "prioritized"),
    pushQueue.getJobCounts("waiting", "delayed", "active", "prioritized", "waiting-children"),
  ]);
  return counts.every((byState) => Object.values(byState).every((n) => n === 0));
}

/** Parts a push worker sends at once (push-queue.ts): as many as a killed worker can leave half-sent. */
const PUSH_CONCURRENCY = 4;

/**
 * The messages the robot received more often than the delivery log says they went out (sent,
 * or a timed-out try that may have arrived): the copies the log cannot account for. A copy is
 * the earliest of its text, the one a killed worker sent before its part went again.
 */
async function copiesNotLogged(): Promise<FakeWebhookMessage[]> {
  const entries = await createDeliveryLog({ redis, keys: createKeys(), clock: createClock(), retentionDays: 400 }).list();
  const accounted = new Map<string, number>();
  const count = (digest: string) => accounted.set(digest, (accounted.get(digest) ?? 0) + 1);
  for (const entry of entries) {
    if (entry.outcome === "sent") count(entry.sentDigest ?? entry.digest);
    for (const digest of entry.mayHaveArrived ?? []) count(digest);
  }
  const copies: FakeWebhookMessage[] = [];
  for (const message of [...webhook.messages].sort((a, b) => b.at - a.at)) {
    const digest = digestOf(asSent(message));
    const left = accounted.get(digest) ?? 0;
    if (left > 0) accounted.set(digest, left - 1);
    else copies.unshift(message);
  }
  return copies;
}

/** A message as the service sent it, as far as its digest goes: the text, or the picture's bytes and md5. */
function asSent({ image, content }: FakeWebhookMessage): PartBody {
  if (!image) return { msgtype: "text", text: { content } };
  return { msgtype: "image", image: { base64: image.bytes.toString("base64"), md5: createHash("md5").update(image.bytes).digest("hex") } };
}

let turn = 0;
/** Alternates between the two web processes, as a load balancer would. */
async function say(from: string, text: string): Promise<string> {
  const reply = await sims[turn++ % sims.length]!.say({ from, text });
  expect(reply.status).toBe(200);
  return reply.markdown ?? "";
}

describe("reports and leaders' commands across two web processes", () => {
  it("records, corrects, alerts, tallies and reminds", async () => {
    expect(await say("zhang_wei", "平安 在校2100")).toContain("已登记：**平安县城关第一小学**");
    expect(await say("zhang_wei", "平安 在校2098")).toContain("已替换");
    expect(await say("liu_yang", "報平安")).toContain("平安县城关第三小学");
    expect(await say("wang_fang", "异常 一名学生课间摔伤，已送医")).toContain("⚠️ 已登记");
    expect(await say("luo_gang", "学习 50/52")).toContain("出勤率 96.2%");
    expect(await say("wang_zhiyuan", "代报 东湖小学 平安")).toContain("平安县东湖镇中心小学");
    expect(await say("wang_zhiyuan", "免报 柳溪小学 平安 今天 停水停课")).toContain("柳溪小学");

    const summary = await say("chen_xiaohong", "汇总");
    expect(summary).toContain("应报 27 所 · 已报 4 所");
    expect(summary).toContain("一名学生课间摔伤，已送医");
    const history = await say("wang_zhiyuan", "历史 城关一小");
    expect(history).toContain("在校 2098 人");
    expect(history).toContain("在校 2100 人");

    await waitFor("the alert", () => webhook.messages.some((m) => m.content.includes("异常报告")), { timeoutMs: 30_000, everyMs: 100 });
    expect(webhook.messages.filter((m) => m.content.includes("异常报告"))).toHaveLength(1);

    expect(await say("wang_zhiyuan", "提醒 平安")).toContain("所");
    await waitFor("the reminder", () => webhook.messages.some((m) => m.group === "全县校长群"), { timeoutMs: 30_000, everyMs: 100 });
    await waitFor("every push sent", settled, { timeoutMs: 60_000, everyMs: 100 });
    const reminders = webhook.messages.filter((m) => m.group === "全县校长群");
    const mentioned = reminders.flatMap((m) => m.mentioned_list);
    for (const reported of ["zhang_wei", "li_na", "liu_yang", "wang_fang", "hu_bin", "guo_ping"]) expect(mentioned).not.toContain(reported);
    expect(mentioned).toContain("luo_gang");
    expect(new Set(reminders.map((m) => m.content)).size).toBe(reminders.length);
  }, 60_000);
});

describe("a simulated week of scheduled pushes", () => {
  it("delivers every push once (a part the killed worker had half-sent at most twice), never over 20 a minute per key", async () => {
    webhook.messages.length = 0;
    const days = ["2026-11-30", "2026-12-01", "2026-12-02", "2026-12-03", "2026-12-04"];
    const ticks: { kind: ScheduleJobData["kind"]; at: number }[] = [];
    let killedAt = Number.POSITIVE_INFINITY;
    for (const day of days) {
      for (const time of ["09:00", "09:45", "10:30"]) ticks.push({ kind: "slots", at: at(`${day}T${time}:00`) });
    }
    ticks.push({ kind: "slots", at: at("2026-12-04T15:00:00") }, { kind: "slots", at: at("2026-12-04T18:30:00") });
    ticks.push({ kind: "weekly", at: at("2026-12-04T19:00:00") });
    for (const [index, tick] of ticks.entries()) {
      // The same tick enqueued twice, as two schedulers racing would: it must still act once.
      for (const copy of ["a", "b"]) {
        await scheduleQueue.add(tick.kind, { kind: tick.kind, scheduleId: "sim" }, { prevMillis: tick.at, jobId: `sim-${tick.at}-${copy}` });
      }
      if (index === 8) {
        await workers[0]!.kill("SIGKILL");
        killedAt = Date.now();
      }
    }
    const firstLines = (group: string, messages = webhook.messages) => messages.filter((m) => m.group === group).map((m) => m.content.split("\n")[0]!);
    // A job that was running on the killed worker comes back once its lock expires (BullMQ's
    // stalled-job check, 30 s), so wait for everything rather than for the last tick.
    const done = () => firstLines("全县校长群").length >= 11 && firstLines("局领导群").length >= 8;
    await waitFor("every push of the week", done, { timeoutMs: 200_000, everyMs: 100 });
    await waitFor("nothing left to run or send", settled, { timeoutMs: 60_000, everyMs: 100 });
    // Delivery is at-least-once (src/push/deliver.ts): a part the killed worker had handed to
    // WeCom but not yet marked sent goes again once its lease runs out. Those copies, and only
    // those, are missing from the delivery log; each must have left before the kill.
    const copies = await copiesNotLogged();
    const described = copies.map((c) => `${c.group} ${c.msgtype} ${c.at - killedAt} ms after the kill: ${c.content.split("\n")[0]}`).join("; ");
    expect(copies.length, described).toBeLessThanOrEqual(PUSH_CONCURRENCY);
    for (const copy of copies) expect(copy.at, described).toBeLessThanOrEqual(killedAt + 1_000);
    const once = webhook.messages.filter((m) => !copies.includes(m));
    // Each reminder fits one message: 09:00 and 09:45 give two per day, the study reminder one.
    const reminders = firstLines("全县校长群", once);
    for (const day of ["11月30日（周一）", "12月1日（周二）", "12月2日（周三）", "12月3日（周四）", "12月4日（周五）"]) {
      expect(reminders.filter((line) => line === `【催报】平安日报 ${day}`), day).toHaveLength(2);
    }
    expect(reminders.filter((line) => line.startsWith("【催报】周学习"))).toHaveLength(1);
    expect(reminders).toHaveLength(11);
    const leaders = firstLines("局领导群", once);
    expect(leaders.filter((line) => line.includes("平安日报统计"))).toHaveLength(5);
    expect(new Set(leaders.filter((line) => line.includes("平安日报统计"))).size).toBe(5);
    expect(leaders.filter((line) => line.includes("周学习统计"))).toHaveLength(1);
    expect(leaders.filter((line) => line.includes("第49周汇总"))).toEqual([
      "**第49周汇总**（11月30日—12月6日，截至 12月4日 周五 19:00）（1/2）",
      "**第49周汇总**（11月30日—12月6日，截至 12月4日 周五 19:00）（续 2/2）",
    ]);
    expect(webhook.rejected, "WeCom refused a message (45009 means we sent too fast)").toEqual([]);
    for (const key of [TEST_ENV.WEBHOOK_KEY_PRINCIPALS, TEST_ENV.WEBHOOK_KEY_LEADERS]) {
      expect(maxInWindow(webhook.messages.filter((m) => m.key === key).map((m) => m.at), 60_000)).toBeLessThanOrEqual(20);
    }
  }, 280_000);
});

describe("pacing across processes", () => {
  it("keeps 25 reminders from two web processes and three workers within 20 a minute", async () => {
    webhook.messages.length = 0;
    for (let i = 0; i < 25; i += 1) expect(await say("wang_zhiyuan", "提醒 平安")).toContain("所");
    await waitFor("25 pushes", () => webhook.messages.length >= 25, { timeoutMs: 150_000, everyMs: 100 });
    const times = webhook.messages.map((m) => m.at);
    expect(times, webhook.messages.map((m) => `${m.group}: ${m.content.split("\n")[0]}`).join("\n")).toHaveLength(25);
    expect(maxInWindow(times, 60_000)).toBeLessThanOrEqual(20);
    expect(webhook.rejected).toEqual([]);
  }, 180_000);
});
