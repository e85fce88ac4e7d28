/**
 * Benchmark (issue 24): how long an alert takes to reach the leaders when their group is at its
 * 20-a-minute limit.
 *
 *   npm run bench:alert-latency [-- --alerts 200 --over-ms 60000]
 *
 * The real push queue (BullMQ, the Redis sliding-window limiter, the alert mailbox that merges
 * queued alerts) on an embedded redis-server, delivering to the fake group robot, which keeps
 * WeCom's 20 messages a minute. First the window is filled: 20 pushes, one every 3 s, so a slot
 * frees every 3 s after. Then `--alerts` alerts, one per school, arrive evenly over `--over-ms`.
 * Each alert's latency runs from its enqueueing to the delivery of the message that carried it
 * (the delivery log's latencyMs, on the real clock). The baseline, from the same run, is the
 * time the window itself forces: an ideal sender that sends everything queued at each moment a
 * slot frees, given the same arrivals and the same fill; the alert's wait for that slot.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { parseArgs } from "node:util";
import { Redis } from "ioredis";
import pino from "pino";
import type { Config } from "../src/config/schema.js";
import { createPushQueue } from "../src/push/push-queue.js";
import { startEmbeddedRedis } from "../src/store/embedded-redis.js";
import { createKeys } from "../src/store/keys.js";
import { createClock } from "../src/clock/clock.js";
import { startFakeWebhook } from "../src/wecom/simulator/fake-webhook.js";
import { describeMachine, fmt, percentile } from "./support/stats.js";
import { processPushJob } from "../jobs/index.js";

const { values: args } = parseArgs({
  options: {
    alerts: { type: "string", default: "200" },
    "over-ms": { type: "string", default: "60000" },
  },
});
const ALERTS = Number(args.alerts);
const OVER_MS = Number(args["over-ms"]);
const PER_WINDOW = 20;
const WINDOW_MS = 60_000;
const KEY = "bench-leaders-key";

const groups: Config["groups"] = { leaders: { name: "局领导群", webhook_key: KEY, role: "leaders", schools: "all" } };

/** The moment each alert could go at the earliest: at each free slot, everything queued goes in one message. */
function windowForced(fill: readonly number[], arrivals: readonly number[]): number[] {
  const sent = [...fill].sort((a, b) => a - b);
  const freeAt = (t: number) => {
    // The slot frees when the PER_WINDOW-th latest send leaves the window.
    const recent = sent.filter((s) => s > t - WINDOW_MS);
    return recent.length < PER_WINDOW ? t : recent[recent.length - PER_WINDOW]! + WINDOW_MS;
  };
  const forced: number[] = new Array(arrivals.length);
  let next = 0;
  const order = arrivals.map((at, i) => ({ at, i })).sort((a, b) => a.at - b.at);
  while (next < order.length) {
    const at = freeAt(order[next]!.at);
    // Everything arrived by then goes in this message.
    while (next < order.length && order[next]!.at <= at) {
      forced[order[next]!.i] = at - order[next]!.at;
      next += 1;
    }
    sent.push(at);
  }
  return forced;
}

const dir = mkdtempSync(join(tmpdir(), "pingan-bench-alerts-"));
console.log(`# bench:alert-latency — ${describeMachine()}`);
const redisServer = await startEmbeddedRedis({ dataDir: join(dir, "redis") });
const connection = new Redis(redisServer.url, { maxRetriesPerRequest: null });
const fake = await startFakeWebhook({ keys: { [KEY]: "局领导群" }, limit: PER_WINDOW, windowMs: WINDOW_MS });
const queue = createPushQueue({
  connection,
  keys: createKeys("bench"),
  groups,
  apiBase: fake.url,
  fetch: globalThis.fetch,
  log: pino({ level: "silent" }),
  clock: createClock(),
  rateLimit: { perWindow: PER_WINDOW, windowMs: WINDOW_MS },
});
queue.startWorker(processPushJob);

try {
  console.log(`filling the window: ${PER_WINDOW} pushes, one every ${WINDOW_MS / PER_WINDOW / 1000} s`);
  for (let i = 0; i < PER_WINDOW; i += 1) {
    await queue.enqueue({ idempotencyKey: `tally:fill:${i}`, group: "leaders", message: { msgtype: "markdown", lines: [{ text: `今日平安日报 ${i}` }] } });
    if (i < PER_WINDOW - 1) await sleep(WINDOW_MS / PER_WINDOW);
  }
  while (fake.messages.length < PER_WINDOW) await sleep(50);
  const fill = fake.messages.map((m) => m.at);

  console.log(`${ALERTS} alerts over ${OVER_MS / 1000} s`);
  const started = Date.now();
  const arrivals: number[] = [];
  for (let i = 0; i < ALERTS; i += 1) {
    const due = started + (i * OVER_MS) / ALERTS;
    if (due > Date.now()) await sleep(due - Date.now());
    arrivals.push(Date.now());
    const school = `S${String(i).padStart(3, "0")}`;
    await queue.enqueue({
      idempotencyKey: `alert:bench-${i}:leaders`,
      group: "leaders",
      message: { msgtype: "markdown", lines: [{ text: `**${school}** 异常：教学楼走廊吊顶掉落，无人受伤` }] },
      about: { school, task: "safety", period: "2026-11-24", msgid: `bench-${i}` },
    });
  }
  const sent = async () => (await queue.deliveries.list()).filter((e) => e.kind === "alert" && e.outcome === "sent");
  const deadline = Date.now() + 5 * WINDOW_MS;
  while ((await sent()).length < ALERTS && Date.now() < deadline) await sleep(200);

  const byId = new Map((await sent()).map((e) => [e.id, e.latencyMs!]));
  const latencies = arrivals.map((_, i) => byId.get(`alert:bench-${i}:leaders#0`)).filter((ms): ms is number => ms !== undefined);
  const forced = windowForced(fill, arrivals);
  const line = (name: string, values: readonly number[]) =>
    `${name}: p50=${fmt(percentile(values, 50), 0)}ms p99=${fmt(percentile(values, 99), 0)}ms max=${fmt(Math.max(...values), 0)}ms`;
  console.log(`${line("alert-latency", latencies)} delivered=${latencies.length}/${ALERTS}`);
  console.log(`${line("window-forced (baseline, same run)", forced)}`);
  console.log(`p99 ratio measured/forced: ${fmt(percentile(latencies, 99) / percentile(forced, 99), 2)}; messages to the group during the burst: ${fake.messages.length - PER_WINDOW}; refused by the fake: ${fake.rejected.length}`);
} finally {
  await queue.close();
  connection.disconnect();
  await fake.stop();
  await redisServer.stop();
  rmSync(dir, { recursive: true, force: true });
}
