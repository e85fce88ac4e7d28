/**
 * The load generator of bench/callback.ts, run as its own process so that autocannon's work is
 * visible (and bounded) apart from the server's. It pre-generates every signed, encrypted
 * check-in callback before the clock starts, so the timed runs do no crypto: each request
 * takes the next envelope from the pool (distinct msgids across all connections). A pool
 * older than RESEAL_AFTER_MS is sealed again, same messages, before the next run starts.
 *
 * Protocol (IPC): receives one `LoadPlan`; sends `{ type: "ready", pool, generateMs }`, then
 * `{ type: "start", name }` and `{ type: "done", name, result }` per run, then exits. A plan with
 * `driven` runs nothing by itself: each `{ type: "run", run }` it is sent runs one (answered by
 * start and done), and `{ type: "end" }` ends it; so a bench can alternate servers run by run.
 */
import { randomBytes } from "node:crypto";
import { Agent, request as httpRequest } from "node:http";
import { PerformanceObserver } from "node:perf_hooks";
import autocannon from "autocannon";
import { createWecomSimulator } from "../../src/wecom/simulator/wecom-simulator.js";
import { percentile } from "./stats.js";

/**
 * One timed run. `autocannon`: closed loop over `connections`, unlimited or with autocannon's
 * `overallRate` (which sends each connection's quota for the second back to back, then waits
 * for the next second: bursts). `poisson`: an open loop of our own, requests at exponentially
 * distributed intervals averaging `overallRate` a second, over up to `connections` keep-alive
 * sockets, each timed from the moment it was due (so queueing on our side counts).
 */
export interface LoadRun {
  name: string;
  mode?: "autocannon" | "poisson";
  connections: number;
  /** Seconds. */
  duration: number;
  /** Requests per second offered by all connections together; unlimited when absent (autocannon only). */
  overallRate?: number;
  /** The pool's callback to send first (default: the one after the last sent). */
  from?: number;
}

export interface LoadPlan {
  url: string;
  path: string;
  token: string;
  encodingAESKey: string;
  botName: string;
  /** Userids that send; sender s says TEXTS[(s + p) % TEXTS.length] on its p-th callback (p from 0). */
  senders: string[];
  /** Pupils per sender, for `平安 在校N` within the school's size. */
  pupils: number[];
  /** How many distinct callbacks to prepare. */
  pool: number;
  runs: LoadRun[];
  /** Wait for each run from the parent instead of running `runs` (see the protocol above). */
  driven?: boolean;
}

/** What one run measured. Latencies in ms. */
export interface LoadResult {
  name: string;
  connections: number;
  duration: number;
  offered?: number;
  requestsPerSecond: number;
  total: number;
  ok2xx: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  mismatches: number;
  /** Exact percentiles of the raw response times (not corrected for coordinated omission). */
  p50: number;
  p99: number;
  max: number;
  /** autocannon's own, 1 ms resolution; corrected for coordinated omission at a fixed rate. */
  autocannonP50: number;
  autocannonP99: number;
  /** Poisson runs: p99 of the requests due in each second of the run, in order. */
  p99BySecond?: number[];
  /** Requests that re-sent an envelope of the pool (a msgid seen before) because it ran out. */
  duplicates: number;
  /** The pool's callback the next run sends by default. */
  next: number;
  /** The generator's own GC pauses during the run (ms): a pause delays the responses it times. */
  loaderGcMs: number;
  loaderGcMaxMs: number;
}

/** The generator's GC pauses since the last take(). */
function watchOwnGc() {
  let total = 0;
  let max = 0;
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      total += entry.duration;
      max = Math.max(max, entry.duration);
    }
  }).observe({ entryTypes: ["gc"] });
  return {
    take() {
      const taken = { loaderGcMs: total, loaderGcMaxMs: max };
      total = 0;
      max = 0;
      return taken;
    },
  };
}

const TEXTS = ["平安", "平安 在校{n}", "报平安", "零报告", "平安 今日全校师生平安"];

/** Each callback's message (its msgid kept however often it is sealed again), as JSON. */
function buildPayloads(plan: LoadPlan): string[] {
  const payloads: string[] = [];
  for (let i = 0; i < plan.pool; i += 1) {
    const s = i % plan.senders.length;
    // Each pass over the roster says every text, a school another one each pass: first reports and
    // re-reports differ only in being one (the re-reports all said 平安 在校N, the first ones 平安).
    const text = TEXTS[(s + Math.floor(i / plan.senders.length)) % TEXTS.length]!.replace("{n}", String(Math.max(1, plan.pupils[s]! - 17)));
    const payload = {
      msgid: randomBytes(16).toString("hex"),
      aibotid: "aib_pingan_bench",
      chatid: "wr_bench_group",
      chattype: "group",
      from: { userid: plan.senders[s] },
      response_url: `https://qyapi.weixin.qq.com/cgi-bin/aibot/response?response_code=${randomBytes(24).toString("hex")}`,
      msgtype: "text",
      text: { content: `@${plan.botName} ${text}` },
    };
    payloads.push(JSON.stringify(payload));
  }
  return payloads;
}

/** The payloads encrypted and signed as WeCom does, stamped now. */
function seal(plan: LoadPlan, payloads: readonly string[]): { path: string; body: string }[] {
  const sim = createWecomSimulator({ baseUrl: plan.url, token: plan.token, encodingAESKey: plan.encodingAESKey, botName: plan.botName });
  return payloads.map((payload) => {
    const { body, query } = sim.envelope(payload);
    return { path: `${plan.path}?${new URLSearchParams(query).toString()}`, body: JSON.stringify(body) };
  });
}

/**
 * Sealed callbacks older than this are sealed again before a run: the service refuses one
 * stamped more than 5 minutes from its clock (the replay guard), and a whole bench lasts longer.
 */
const RESEAL_AFTER_MS = 3 * 60_000;

async function runOnce(plan: LoadPlan, run: LoadRun, next: () => { path: string; body: string }): Promise<LoadResult> {
  const latencies: number[] = [];
  let done!: (result: autocannon.Result) => void;
  let fail!: (error: unknown) => void;
  const finished = new Promise<autocannon.Result>((resolve, reject) => {
    done = resolve;
    fail = reject;
  });
  const instance = autocannon(
    {
      url: plan.url,
      connections: run.connections,
      duration: run.duration,
      ...(run.overallRate !== undefined && { overallRate: run.overallRate }),
      requests: [
        {
          method: "POST",
          setupRequest: (request) => {
            const { path, body } = next();
            return { ...request, path, body, headers: { "content-type": "application/json" } };
          },
        },
      ],
      verifyBody: (body) => String(body).startsWith('{"encrypt":'),
    },
    (error, result) => (error ? fail(error) : done(result)),
  );
  instance.on("response", (_client, _status, _bytes, ms) => latencies.push(ms));
  const result = await finished;
  return {
    name: run.name,
    connections: run.connections,
    duration: run.duration,
    ...(run.overallRate !== undefined && { offered: run.overallRate }),
    requestsPerSecond: result.requests.total / run.duration,
    total: result.requests.total,
    ok2xx: result["2xx"],
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    mismatches: result.mismatches,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    max: latencies.reduce((a, b) => Math.max(a, b), 0),
    autocannonP50: result.latency.p50,
    autocannonP99: result.latency.p99,
    duplicates: 0,
    next: 0,
    loaderGcMs: 0,
    loaderGcMaxMs: 0,
  };
}

/** Open-loop Poisson arrivals at `overallRate` a second (see LoadRun). */
async function runPoisson(plan: LoadPlan, run: LoadRun, next: () => { path: string; body: string }): Promise<LoadResult> {
  const rate = run.overallRate!;
  const url = new URL(plan.url);
  const agent = new Agent({ keepAlive: true, maxSockets: run.connections });
  const latencies: number[] = [];
  const bySecond: number[][] = Array.from({ length: Math.ceil(run.duration) }, () => []);
  let ok2xx = 0;
  let non2xx = 0;
  let errors = 0;
  let mismatches = 0;
  let sent = 0;
  let pending = 0;
  // A fixed-seed generator: every run offers the same arrival pattern.
  let seed = 0x2545f491;
  const random = () => {
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    return ((seed >>> 0) + 0.5) / 4294967296;
  };
  const start = performance.now();
  const end = start + run.duration * 1000;
  let due = start;
  const send = (dueAt: number) => {
    const { path, body } = next();
    sent += 1;
    pending += 1;
    const req = httpRequest(
      { host: url.hostname, port: url.port, path, method: "POST", agent, headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body) } },
      (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => (text += chunk));
        res.on("end", () => {
          pending -= 1;
          const ms = performance.now() - dueAt;
          latencies.push(ms);
          bySecond[Math.min(bySecond.length - 1, Math.floor((dueAt - start) / 1000))]!.push(ms);
          if (res.statusCode! >= 200 && res.statusCode! < 300) ok2xx += 1;
          else non2xx += 1;
          if (!text.startsWith('{"encrypt":')) mismatches += 1;
        });
      },
    );
    req.on("error", () => {
      pending -= 1;
      errors += 1;
    });
    req.end(body);
  };
  await new Promise<void>((done) => {
    const tick = () => {
      const now = performance.now();
      while (due <= now && due < end) {
        send(due);
        due += -Math.log(random()) * (1000 / rate);
      }
      // 1 ms timers rather than a busy loop: the generator must not take a core from the server.
      if (due < end) setTimeout(tick, 1);
      else done();
    };
    tick();
  });
  while (pending > 0) await new Promise((wake) => setTimeout(wake, 5));
  agent.destroy();
  return {
    name: run.name,
    connections: run.connections,
    duration: run.duration,
    offered: rate,
    requestsPerSecond: latencies.length / run.duration,
    total: sent,
    ok2xx,
    non2xx,
    errors,
    timeouts: 0,
    mismatches,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    max: latencies.reduce((a, b) => Math.max(a, b), 0),
    autocannonP50: Number.NaN,
    autocannonP99: Number.NaN,
    p99BySecond: bySecond.map((second) => percentile(second, 99)),
    duplicates: 0,
    next: 0,
    loaderGcMs: 0,
    loaderGcMaxMs: 0,
  };
}

async function main(plan: LoadPlan): Promise<void> {
  const started = Date.now();
  const payloads = buildPayloads(plan);
  let pool = seal(plan, payloads);
  let sealedAt = Date.now();
  process.send!({ type: "ready", pool: pool.length, generateMs: Date.now() - started });
  let sent = 0;
  let duplicates = 0;
  const seen = new Set<number>();
  const next = () => {
    const i = sent++ % pool.length;
    if (seen.has(i)) duplicates += 1;
    else seen.add(i);
    return pool[i]!;
  };
  const gc = watchOwnGc();
  const runOne = async (run: LoadRun) => {
    if (Date.now() - sealedAt > RESEAL_AFTER_MS) {
      pool = seal(plan, payloads);
      sealedAt = Date.now();
    }
    if (run.from !== undefined) sent = run.from;
    process.send!({ type: "start", name: run.name });
    duplicates = 0;
    gc.take();
    const result = run.mode === "poisson" ? await runPoisson(plan, run, next) : await runOnce(plan, run, next);
    Object.assign(result, gc.take(), { duplicates, next: sent });
    process.send!({ type: "done", name: run.name, result });
  };
  if (!plan.driven) {
    for (const run of plan.runs) await runOne(run);
    process.disconnect();
    return;
  }
  // One run at a time, in the order sent.
  let queue = Promise.resolve();
  process.on("message", (message: { type: string; run?: LoadRun }) => {
    if (message.type === "run") queue = queue.then(() => runOne(message.run!));
    if (message.type === "end") void queue.then(() => process.disconnect());
  });
}

process.once("disconnect", () => process.exit(0));
process.once("message", (plan: LoadPlan) => {
  main(plan).catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
});
