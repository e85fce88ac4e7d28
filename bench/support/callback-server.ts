/**
 * One server of bench/callback.ts, run as its own process (so its RSS and CPU are its own):
 *
 * - `bare`: a Koa app answering a fixed body of the size of a real sealed reply;
 * - `floor`: a Koa app that reads the body, verifies the signature and timestamp, decrypts and
 *   seals a fixed stream reply with src/wecom/crypto.ts: the work the protocol imposes;
 * - `durable`: floor plus what a check-in must keep, durably: one Redis script that appends the
 *   audit entry, sets the school's state and its bit, on a redis-server with AOF fsync always
 *   (the embedded one, as the service runs it). The least any design that records each check-in can cost;
 * - `full`: the whole service (startSystem: web + workers, embedded redis-server with AOF
 *   fsync always), logging JSON at info as `pingan start` does (to /dev/null here); `env` may
 *   point it at a fake WeCom (WECOM_API_BASE, WECOM_WS_URL).
 *
 * Protocol (IPC): receives one `ServerPlan`; sends `{ type: "listening", port, pid, redisUrl? }`;
 * on `{ type: "reset" }` starts counting GC pauses and event-loop delay afresh, on
 * `{ type: "stats" }` sends `ServerStats` for the time since; on `{ type: "heap", path }` writes a heap
 * snapshot there and sends `{ type: "heap", path }`; on `{ type: "memory" }` sends `{ type: "memory",
 * ...process.memoryUsage() }`; on `{ type: "profile" }` starts a CPU profile and on
 * `{ type: "profiled", path }` writes it there and sends `{ type: "profiled", path }` (one run's
 * profile, without the start-up's); on `{ type: "stop" }` stops and exits.
 */
import { writeFileSync } from "node:fs";
import type { Server } from "node:http";
import { Session } from "node:inspector/promises";
import { constants, monitorEventLoopDelay, PerformanceObserver } from "node:perf_hooks";
import { writeHeapSnapshot } from "node:v8";
import { Redis } from "ioredis";
import Koa from "koa";
import { createManualClock } from "../../src/clock/clock.js";
import { readRawBody } from "../../src/wecom/callback-receiver.js";
import { createLogger } from "../../src/ops/log.js";
import { readSettings } from "../../src/main/settings.js";
import { startSystem } from "../../src/main/system.js";
import { startEmbeddedRedis } from "../../src/store/embedded-redis.js";
import { createWecomCrypto } from "../../src/wecom/crypto.js";
import { streamReply } from "../../src/wecom/message-bodies.js";

export type ServerKind = "bare" | "floor" | "durable" | "full";

export interface ServerPlan {
  kind: ServerKind;
  token: string;
  encodingAESKey: string;
  /** A typical reply's markdown: what bare answers (sealed once) and floor seals each time. */
  replyMarkdown: string;
  /** durable: the senders' userids, numbered (their bit) in this order. */
  senders?: string[];
  /** full and durable: the data dir (durable: its redis-server's); full: the config, env and the service clock's fixed instant. */
  configPath?: string;
  dataDir?: string;
  env?: Record<string, string>;
  now?: string;
  /** full: `everysec` switches the embedded Redis from the product's `always` after start. */
  appendfsync?: "always" | "everysec";
}

const PATH = "/wecom/callback";

/** What held the event loop since the last reset, in ms. */
export interface ServerStats {
  type: "stats";
  gcCount: number;
  gcMs: number;
  gcMaxMs: number;
  /** The longest pause's kind: a scavenge (minor) grows with what survives it, a mark-compact (major) with the heap. */
  gcMaxKind: string;
  loopDelayP50: number;
  loopDelayP99: number;
  loopDelayMax: number;
}

/** perf_hooks' GC kinds (constants.NODE_PERFORMANCE_GC_*). */
const GC_KINDS: Record<number, string> = {
  [constants.NODE_PERFORMANCE_GC_MINOR]: "minor",
  [constants.NODE_PERFORMANCE_GC_MAJOR]: "major",
  [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: "incremental",
  [constants.NODE_PERFORMANCE_GC_WEAKCB]: "weakcb",
};

function watchLoop() {
  const delay = monitorEventLoopDelay({ resolution: 5 });
  delay.enable();
  let gc = { count: 0, ms: 0, maxMs: 0, maxKind: "-" };
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      gc.count += 1;
      gc.ms += entry.duration;
      if (entry.duration > gc.maxMs) {
        gc.maxMs = entry.duration;
        gc.maxKind = GC_KINDS[(entry as PerformanceEntry & { detail: { kind: number } }).detail.kind] ?? "other";
      }
    }
  }).observe({ entryTypes: ["gc"] });
  return {
    reset() {
      delay.reset();
      gc = { count: 0, ms: 0, maxMs: 0, maxKind: "-" };
    },
    stats(): ServerStats {
      return {
        type: "stats",
        gcCount: gc.count,
        gcMs: gc.ms,
        gcMaxMs: gc.maxMs,
        gcMaxKind: gc.maxKind,
        loopDelayP50: delay.percentile(50) / 1e6,
        loopDelayP99: delay.percentile(99) / 1e6,
        loopDelayMax: delay.max / 1e6,
      };
    },
  };
}

/**
 * CPU profiles of chosen stretches of this process, sampled every 100 µs, and beside each
 * (`.heapprofile`) what it allocated, sampled every 16 KiB, garbage included: the young
 * garbage a check-in leaves is what its scavenges cost.
 */
function profiler() {
  const session = new Session();
  session.connect();
  return {
    async start() {
      await session.post("Profiler.enable");
      await session.post("Profiler.setSamplingInterval", { interval: 100 });
      await session.post("HeapProfiler.startSampling", { samplingInterval: 16384, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true } as never);
      await session.post("Profiler.start");
    },
    async stop(path: string) {
      const { profile } = await session.post("Profiler.stop");
      const { profile: heap } = await session.post("HeapProfiler.stopSampling");
      writeFileSync(path, JSON.stringify(profile));
      writeFileSync(path.replace(/\.cpuprofile$/, ".heapprofile"), JSON.stringify(heap));
      return path;
    },
  };
}

function listen(app: Koa): Promise<Server> {
  return new Promise((done) => {
    const server = app.listen(0, "127.0.0.1", () => done(server));
  });
}

async function startBare(plan: ServerPlan) {
  const crypto = createWecomCrypto({ token: plan.token, encodingAESKey: plan.encodingAESKey });
  const fixed = JSON.stringify(crypto.seal(streamReply(plan.replyMarkdown, "s-fixed"), "0123456789abcdef", Math.floor(Date.now() / 1000)));
  const app = new Koa();
  app.use(async function answerFixed(ctx) {
    ctx.type = "text/plain";
    ctx.body = fixed;
  });
  const server = await listen(app);
  return { server, stop: async () => void (await close(server)) };
}

/** Verifies, decrypts and seals a fixed stream reply to each callback as WeCom's protocol requires; `keep` is given the decrypted message before the reply. */
async function startCrypto(plan: ServerPlan, keep: (message: string) => Promise<void>) {
  const crypto = createWecomCrypto({ token: plan.token, encodingAESKey: plan.encodingAESKey });
  const reply = streamReply(plan.replyMarkdown, "s-fixed");
  const app = new Koa();
  app.use(async function verifyOpenSeal(ctx) {
    if (ctx.method !== "POST" || ctx.path !== PATH) ctx.throw(404);
    const raw = await readRawBody(ctx.req, 64 * 1024);
    const encrypted = (JSON.parse(raw) as { encrypt?: unknown }).encrypt;
    const { msg_signature: signature, timestamp, nonce } = ctx.query;
    if (!crypto.verify(signature, timestamp, nonce, encrypted)) ctx.throw(401);
    if (Math.abs(Date.now() / 1000 - Number(timestamp)) > 300) ctx.throw(401);
    await keep(crypto.open(encrypted as string));
    ctx.type = "text/plain";
    ctx.body = JSON.stringify(crypto.seal(reply, String(nonce), Math.floor(Date.now() / 1000)));
  });
  return listen(app);
}

async function startFloor(plan: ServerPlan) {
  const server = await startCrypto(plan, async () => undefined);
  return { server, stop: async () => void (await close(server)) };
}

/** The audit entry, the state and the bit of one check-in, in one script: what durability costs at least. */
const KEEP_CHECKIN = `
local id = redis.call('XADD', KEYS[1], '*', 'school', ARGV[1], 'text', ARGV[2], 'msgid', ARGV[3])
redis.call('HSET', KEYS[2], ARGV[1], id)
redis.call('SETBIT', KEYS[3], ARGV[4], 1)
return id`;

async function startDurable(plan: ServerPlan) {
  const redis = await startEmbeddedRedis({ dataDir: plan.dataDir! });
  const client = new Redis(redis.url);
  const numbers = new Map(plan.senders!.map((userid, i) => [userid, i]));
  const server = await startCrypto(plan, async (message) => {
    const callback = JSON.parse(message) as { msgid: string; from: { userid: string }; text?: { content?: string } };
    const school = numbers.get(callback.from.userid);
    if (school === undefined) throw new Error(`${callback.from.userid} is not a sender of the plan`);
    await client.eval(KEEP_CHECKIN, 3, "{p}:log", "{p}:state", "{p}:reported", String(school), callback.text?.content ?? "", callback.msgid, school);
  });
  const stop = async () => {
    await close(server);
    client.disconnect();
    await redis.stop();
  };
  return { server, redisUrl: redis.url, stop };
}

async function startFull(plan: ServerPlan) {
  const service = await startSystem(readSettings({
      WECOM_API_BASE: "http://127.0.0.1:9",
      ...plan.env,
      PINGAN_CONFIG: plan.configPath!,
      PINGAN_DATA_DIR: plan.dataDir!,
      PORT: "0",
      HOST: "127.0.0.1",
    }), {
    log: createLogger({ level: "info" }),
    clock: createManualClock(new Date(plan.now!)),
    schedules: false,
  });
  if (plan.appendfsync === "everysec") await service.redis.config("SET", "appendfsync", "everysec");
  // The start-up recount of the counts (a new data dir: 62 days of every kind) is no check-in's work.
  await service.recounted();
  return { port: service.port!, redisUrl: service.redisUrl, stop: () => service.stop() };
}

function close(server: Server): Promise<void> {
  return new Promise((done) => {
    server.close(() => done());
    server.closeAllConnections();
  });
}

process.once("message", (plan: ServerPlan) => {
  (async () => {
    let port: number;
    let redisUrl: string | undefined;
    let stop: () => Promise<void>;
    if (plan.kind === "full") {
      ({ port, redisUrl, stop } = await startFull(plan));
    } else if (plan.kind === "durable") {
      const started = await startDurable(plan);
      ({ redisUrl, stop } = started);
      port = (started.server.address() as { port: number }).port;
    } else {
      const started = plan.kind === "bare" ? await startBare(plan) : await startFloor(plan);
      port = (started.server.address() as { port: number }).port;
      stop = started.stop;
    }
    const shutdown = () =>
      stop().then(
        () => process.exit(0),
        (error: unknown) => {
          console.error(error);
          process.exit(1);
        },
      );
    const loop = watchLoop();
    const profile = profiler();
    process.on("message", (message: { type?: string; path?: string }) => {
      if (message.type === "profile") void profile.start();
      if (message.type === "profiled") void profile.stop(message.path!).then((path) => process.send!({ type: "profiled", path }));
      if (message.type === "stop") void shutdown();
      if (message.type === "heap") process.send!({ type: "heap", path: writeHeapSnapshot(message.path) });
      if (message.type === "memory") process.send!({ type: "memory", ...process.memoryUsage() });
      if (message.type === "reset") loop.reset();
      if (message.type === "stats") process.send!(loop.stats());
    });
    // The bench died: do not outlive it.
    process.once("disconnect", () => void shutdown());
    process.send!({ type: "listening", port, pid: process.pid, ...(redisUrl && { redisUrl }) });
  })().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
});
