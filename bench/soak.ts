/**
 * Soak (issue 25): a steady load for `--minutes` (30) against the whole service on both
 * transports, sampling the resident memory and open files of every process each minute.
 *
 *   npm run bench:soak [-- --minutes 30 --rate 10 --schools 2000 --every 60 --only callback|websocket --heap DIR --heap-every MIN]
 *
 * Processes, each its own:
 *   callback   the service with a callback bot (bench/support/callback-server.ts, `full`: web and
 *              workers, embedded redis-server with AOF fsync always), its group robots on the fake
 *   websocket  the same service with a long-connection bot dialling the fake; the leaders' group
 *              is pushed to through the bot (aibot_send_msg)
 *   wecom      WeCom's side: the group robots' webhook and the long-connection server
 *   redis-…    each service's redis-server
 * Load, on each transport: `--rate` check-ins a second from the roster's principals (one in a
 * hundred an 异常, which pushes an alert to the leaders' group), and a leader's 汇总 every 5 s.
 * The services' clock stands still (a Monday at 08:30, before the deadline): what grows with
 * the hours of the day is not what this measures.
 *
 * Prints one line a process: `soak: proc=… rss_first_mb=… rss_slope_mb_per_h=… fds_first=…
 * fds_slope_per_h=…`, the first figures at the end of the first minute (warm-up), the slopes by
 * least squares over the samples after it (`late`: over the second half of them); and for each service `soak-memory: proc=…` with the
 * same for what its V8 heap holds just after its latest major collection (live; `majors` of
 * them), its heap as sampled (used, total) and what it holds outside it (external,
 * arrayBuffers). With `--heap DIR`, each service
 * writes a heap snapshot after the warm-up and at the end (and every `--heap-every` minutes), to
 * compare in Chrome's DevTools or with bench/support/compare-heaps.ts. `--only` runs one
 * transport's service: a snapshot stalls its process for a minute under load, which the other
 * service's long connection to the fake does not survive.
 */
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { Redis } from "ioredis";
import { writeWebsocketConfig } from "../src/dev/websocket-config.js";
import { createWecomSimulator } from "../src/wecom/simulator/wecom-simulator.js";
import type { ServerPlan, ServerStats } from "./support/callback-server.js";
import type { SoakLive } from "./support/soak-server.js";
import type { SoakWecomCounts } from "./support/soak-wecom.js";
import { spawnChild, type Child } from "./support/spawn-child.js";
import { describeMachine, fmt, readRssMiB } from "./support/stats.js";
import { writeBenchFixture } from "./support/write-fixture.js";
import { TEST_AES_KEY, TEST_BOT, TEST_TOKEN } from "../test/support/test-env.js";

const { values: args } = parseArgs({
  options: {
    minutes: { type: "string", default: "30" },
    rate: { type: "string", default: "10" },
    schools: { type: "string", default: "2000" },
    /** Seconds between samples; a minute unless a short trial wants more of them. */
    every: { type: "string", default: "60" },
    only: { type: "string" },
    heap: { type: "string" },
    /** With --heap: also a snapshot every so many minutes, to tell a steady growth from the warm-up's. */
    "heap-every": { type: "string" },
  },
});
const minutes = Number(args.minutes);
const rate = Number(args.rate);
const everyMs = Number(args.every) * 1000;
const WARMUP_MS = 60_000;
const NOW = "2026-11-23T08:30:00+08:00";
const LEADERS_CHAT = "wr_soak_leaders";
const ABNORMAL = "异常 一名学生课间摔伤，已送医，家长已到";

type ServerMessage =
  | { type: "listening"; port: number; pid: number; redisUrl?: string }
  | ServerStats
  | { type: "heap"; path: string }
  | ({ type: "memory" } & NodeJS.MemoryUsage)
  | SoakLive;
type WecomMessage = { type: "listening"; webhookUrl: string; wsUrl: string; pid: number } | SoakWecomCounts;

const dir = mkdtempSync(join(tmpdir(), "pingan-bench-soak-"));
const fixture = writeBenchFixture({ dir, schools: Number(args.schools), areas: 10 });
const principals = fixture.schools.map((s) => s.reporter);
console.log(`# bench:soak — ${describeMachine()}`);
console.log(`${minutes} min; on each transport ${rate} check-ins/s from ${principals.length} schools (1 in 100 异常), a leader's 汇总 every 5 s; samples every ${args.every} s, slopes after the first minute`);

interface Service {
  name: string;
  child: Child<ServerMessage>;
  pid: number;
  redisPid: number;
  url: string;
}

async function startService(name: string, plan: Omit<ServerPlan, "token" | "encodingAESKey" | "replyMarkdown" | "kind">): Promise<Service> {
  const child = spawnChild<ServerMessage>("soak-server");
  child.send({ kind: "full", token: TEST_TOKEN, encodingAESKey: TEST_AES_KEY, replyMarkdown: "", ...plan } satisfies ServerPlan);
  const { port, pid, redisUrl } = await child.next((m): m is Extract<ServerMessage, { type: "listening" }> => m.type === "listening", 120_000);
  const redis = new Redis(redisUrl!);
  const redisPid = Number(/process_id:(\d+)/.exec(await redis.info("server"))?.[1]);
  redis.disconnect();
  return { name, child, pid, redisPid, url: `http://127.0.0.1:${port}` };
}

const wecom = spawnChild<WecomMessage>("soak-wecom");
wecom.send(TEST_BOT);
const fake = await wecom.next((m): m is Extract<WecomMessage, { type: "listening" }> => m.type === "listening", 60_000);
const env = { ...fixture.env, WECOM_API_BASE: fake.webhookUrl, WECOM_WS_URL: fake.wsUrl };
if (args.only !== undefined && args.only !== "callback" && args.only !== "websocket") throw new Error("--only takes callback or websocket");
const runs = (name: "callback" | "websocket") => args.only === undefined || args.only === name;
const callback = runs("callback") ? await startService("callback", { configPath: fixture.configPath, dataDir: join(dir, "data-callback"), env, now: NOW }) : undefined;
mkdirSync(join(dir, "ws"));
const wsConfig = writeWebsocketConfig(join(dir, "ws"), { leaders: LEADERS_CHAT }, fixture.configPath);
const websocket = runs("websocket") ? await startService("websocket", { configPath: wsConfig, dataDir: join(dir, "data-ws"), env, now: NOW }) : undefined;
const services = [callback, websocket].flatMap((service) => (service ? [service] : []));

// What one message costs each transport: a callback through the simulator, a long-connection message through the fake's POST /say.
const sim = callback && createWecomSimulator({ baseUrl: callback.url, token: TEST_TOKEN, encodingAESKey: TEST_AES_KEY });
const sayUrl = `${fake.wsUrl.replace("ws:", "http:")}/say`;
type Say = (from: string, text: string, chatid?: string) => Promise<boolean>;
const transports: Say[] = [
  ...(sim ? [async (from: string, text: string, chatid?: string) => (await sim.say({ from, text, ...(chatid && { chatid }) })).status === 200] : []),
  ...(websocket
    ? [
        async (from: string, text: string, chatid?: string) => {
          const res = await fetch(sayUrl, { method: "POST", body: JSON.stringify({ userid: from, text, ...(chatid && { chatid }) }) });
          await res.arrayBuffer();
          return res.ok;
        },
      ]
    : []),
];
const counts = { sent: 0, answered: 0, failed: 0, inFlight: 0 };
async function send(say: Say, from: string, text: string, chatid?: string): Promise<void> {
  // An open loop that does not pile up: past 200 waiting, a tick is skipped and counted as failed.
  if (counts.inFlight >= 200) return void (counts.failed += 1);
  counts.sent += 1;
  counts.inFlight += 1;
  try {
    if (await say(from, text, chatid)) counts.answered += 1;
    else counts.failed += 1;
  } catch {
    counts.failed += 1;
  } finally {
    counts.inFlight -= 1;
  }
}

let tick = 0;
const load = setInterval(() => {
  for (const say of transports) {
    const from = principals[tick % principals.length]!;
    // Principals report from a direct chat: a group's replies share its 30 a minute.
    void send(say, from, tick % 100 === 99 ? ABNORMAL : "平安");
  }
  tick += 1;
}, 1000 / rate);
let query = 0;
const queries = setInterval(() => {
  for (const say of transports) void send(say, fixture.leaders[query % fixture.leaders.length]!, "汇总", LEADERS_CHAT);
  query += 1;
}, 5000);

interface Proc {
  name: string;
  pid: number;
  /** A service: asked for its V8 heap and what it holds outside it, to tell what of its RSS grows. */
  service?: Service;
  /** memory: as sampled; live: just after the latest major collection (bench/support/soak-server.ts), what the process holds. */
  samples: { atH: number; rssMb: number; fds: number; memory?: NodeJS.MemoryUsage; live?: SoakLive }[];
}
const procs: Proc[] = [
  ...services.map((service): Proc => ({ name: service.name, pid: service.pid, service, samples: [] })),
  { name: "wecom", pid: fake.pid, samples: [] },
  ...services.map((service): Proc => ({ name: `redis-${service.name}`, pid: service.redisPid, samples: [] })),
];
const openFiles = (pid: number) => {
  try {
    return readdirSync(`/proc/${pid}/fd`).length;
  } catch {
    return Number.NaN;
  }
};
const started = Date.now();
const MB = 1024 * 1024;
const sample = async () => {
  const atH = (Date.now() - started) / 3_600_000;
  for (const proc of procs) {
    const row: Proc["samples"][number] = { atH, rssMb: readRssMiB(proc.pid) ?? Number.NaN, fds: openFiles(proc.pid) };
    if (proc.service) {
      proc.service.child.send({ type: "memory" });
      row.memory = await proc.service.child.next((m): m is Extract<ServerMessage, { type: "memory" }> => m.type === "memory");
      proc.service.child.send({ type: "live" });
      row.live = await proc.service.child.next((m): m is SoakLive => m.type === "live");
    }
    proc.samples.push(row);
  }
  const elapsed = ((Date.now() - started) / 60_000).toFixed(1);
  const heap = procs.flatMap((p) => (p.service ? [`${p.name}_heap=${fmt(p.samples.at(-1)!.memory!.heapUsed / MB, 0)}/${fmt(p.samples.at(-1)!.memory!.heapTotal / MB, 0)}MB live=${fmt(p.samples.at(-1)!.live!.heapUsed / MB, 1)}MB/${p.samples.at(-1)!.live!.majors}gc`] : []));
  console.log(`t=${elapsed}min ${procs.map((p) => `${p.name}=${fmt(p.samples.at(-1)!.rssMb, 0)}MB/${p.samples.at(-1)!.fds}fd`).join(" ")} ${heap.join(" ")} sent=${counts.sent} answered=${counts.answered} failed=${counts.failed}`);
};

async function heapSnapshots(when: string): Promise<void> {
  if (!args.heap) return;
  mkdirSync(args.heap, { recursive: true });
  for (const service of services) {
    service.child.send({ type: "heap", path: join(args.heap, `${service.name}-${when}.heapsnapshot`) });
    const { path } = await service.child.next((m): m is Extract<ServerMessage, { type: "heap" }> => m.type === "heap", 300_000);
    console.log(`heap snapshot: ${path}`);
  }
}

await new Promise((done) => setTimeout(done, WARMUP_MS));
await sample();
await heapSnapshots("start");
const sampler = setInterval(() => void sample(), everyMs);
const heapEveryMs = Number(args["heap-every"] ?? 0) * 60_000;
let snapshots = 0;
const snapshotter = heapEveryMs > 0 ? setInterval(() => void heapSnapshots(`m${((snapshots += 1) * heapEveryMs + WARMUP_MS) / 60_000}`), heapEveryMs) : undefined;
await new Promise((done) => setTimeout(done, Math.max(0, minutes * 60_000 - WARMUP_MS)));
clearInterval(sampler);
clearInterval(snapshotter);
await sample();
clearInterval(load);
clearInterval(queries);
await heapSnapshots("end");

wecom.send({ type: "counts" });
const reached = await wecom.next((m): m is SoakWecomCounts => m.type === "counts");
console.log(`check-ins and queries sent ${counts.sent}, answered ${counts.answered}, failed or skipped ${counts.failed}; WeCom received ${reached.webhookMessages} group-robot messages and ${reached.botPushes} bot pushes`);

/** Least-squares slope of y over x. */
function slope(points: { x: number; y: number }[]): number {
  const n = points.length;
  if (n < 2) return Number.NaN;
  const mx = points.reduce((s, p) => s + p.x, 0) / n;
  const my = points.reduce((s, p) => s + p.y, 0) / n;
  const sxx = points.reduce((s, p) => s + (p.x - mx) ** 2, 0);
  return points.reduce((s, p) => s + (p.x - mx) * (p.y - my), 0) / sxx;
}
for (const proc of procs) {
  const [first, ...after] = proc.samples as [Proc["samples"][number], ...Proc["samples"]];
  // The first minute's figure still holds the warm-up (start, JIT, the first GCs): the slope is of the samples after it.
  // Samples without a figure (live before the first major collection) are left out, not taken as 0.
  const perHour = (y: (s: Proc["samples"][number]) => number, samples = after) => fmt(slope(samples.map((s) => ({ x: s.atH, y: y(s) })).filter((p) => Number.isFinite(p.y))));
  // The second half alone: V8 sizes its heap for the first quarter hour or so, and a slope over all hides whether it stopped.
  const late = after.slice(Math.floor(after.length / 2));
  console.log(`soak: proc=${proc.name} rss_first_mb=${fmt(first.rssMb)} rss_slope_mb_per_h=${perHour((s) => s.rssMb)} rss_late_slope_mb_per_h=${perHour((s) => s.rssMb, late)} fds_first=${first.fds} fds_slope_per_h=${perHour((s) => s.fds)}`);
  if (first.memory) {
    const parts = (["heapUsed", "heapTotal", "external", "arrayBuffers"] as const).map((part) => `${part}_first_mb=${fmt(first.memory![part] / MB)} ${part}_slope_mb_per_h=${perHour((s) => s.memory![part] / MB)}`);
    const live = `majors=${proc.samples.at(-1)!.live!.majors} live_first_mb=${fmt(first.live!.heapUsed / MB)} live_slope_mb_per_h=${perHour((s) => s.live!.heapUsed / MB)} live_late_slope_mb_per_h=${perHour((s) => s.live!.heapUsed / MB, late)}`;
    console.log(`soak-memory: proc=${proc.name} ${live} ${parts.join(" ")}`);
  }
}

for (const child of [...services.map((service) => service.child), wecom]) child.send({ type: "stop" });
await Promise.all([...services.map((service) => service.child.exited), wecom.exited]);
rmSync(dir, { recursive: true, force: true });
