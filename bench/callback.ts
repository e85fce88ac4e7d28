/**
 * Benchmark 1 (issues 6 and 25): the callback path, beside three baselines measured in the same run.
 *
 *   npm run bench:callback [-- --duration 15 --warmup 3 --connections 16 --rate 1000 --paced-rate 400 --rounds 5 --cpu-duration 3 --schools 30000]
 *   npm run bench:callback -- --only always,durable --pin   (each server on core 0, its redis-server and load generator on core 1)
 *   npm run bench:callback -- --only always --profile /tmp/prof   (a CPU profile of each server for each
 *     run, and its Redis commands per request: /tmp/prof/full-always/first.cpuprofile, first.commandstats.txt…;
 *     then npx tsx bench/support/summarize-profile.ts /tmp/prof/full-always/first.cpuprofile)
 *
 * Servers, each in its own process on its own port, all started first, each run from dist/ by
 * plain node as bin/pingan.js runs the service (the bench builds dist/ first):
 *   bare   a Koa app answering a fixed body (the size of a real sealed reply)
 *   floor  a Koa app that verifies, decrypts and seals a fixed stream reply (src/wecom/crypto.ts)
 *   durable  floor plus one Redis script that keeps the audit entry, the state and the bit, on
 *          a redis-server with AOF fsync always: the least a durable check-in can cost
 *   full   the whole service (startService: web + workers, embedded redis-server with AOF
 *          fsync always, the product's default), answering distinct check-in callbacks
 *   full (everysec)  the same with `appendfsync everysec`, for context
 *   full, 7 kinds  the full service with every kind of the example config switched on (issue 23:
 *          a check-in's CPU must not grow with the kinds declared; beside `full`, which runs 3)
 * The load generator runs in another process (one per server) and sends pre-generated, correctly
 * signed and encrypted callbacks (distinct msgids, principals of the roster).
 * CPU per check-in is the server's and its redis-server's CPU time over the check-ins answered,
 * at `--paced-rate` Poisson arrivals (below saturation): first reports of the day, then
 * re-reports, in `--rounds` rounds where the servers take turns (each run after 2 s of the same,
 * untimed), so that a busier minute of a shared machine weighs on all alike; each ratio is the
 * median of the rounds'. The load generator's CPU and every other process's (/proc/stat) are
 * shown apart, never counted. Then, a server at a time: first reports Poisson at `--rate` (p99)
 * after 2 s of the same, untimed, a warm-up, an unlimited autocannon run (throughput), an
 * autocannon run at `overallRate` (which sends in bursts at the start of each second) and an
 * open-loop run with Poisson arrivals at the same mean rate (latency as independent senders would
 * see it), after 2 s of the same, untimed.
 * Each `callback: kind=…` line gives the durable floor's p99 at the rate beside the service's
 * (`durable_p99_at_…`, same kind of check-in, same run): with AOF fsync always both answer only
 * after the disk's fsync, so a second the disk stalls shows in both; the floor's is the baseline.
 * Also prints the service's RSS before, during and after the load (benchmark 4's second part),
 * and checks that every answered check-in was recorded.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { Redis } from "ioredis";
import { parseDocument } from "yaml";
import { createKeys } from "../src/store/keys.js";
import { createWecomSimulator } from "../src/wecom/simulator/wecom-simulator.js";
import type { LoadPlan, LoadResult, LoadRun } from "./support/callback-load.js";
import type { ServerPlan, ServerStats } from "./support/callback-server.js";
import { compileChild } from "./support/compile-child.js";
import { spawnChild, type Child } from "./support/spawn-child.js";
import { describeMachine, fmt, printTable, readCpuSeconds, readRssMiB, verdict } from "./support/stats.js";
import { writeBenchFixture } from "./support/write-fixture.js";
import { TEST_AES_KEY, TEST_TOKEN } from "../test/support/test-env.js";

const { values: args } = parseArgs({
  options: {
    duration: { type: "string", default: "15" },
    warmup: { type: "string", default: "3" },
    connections: { type: "string", default: "16" },
    "rate-connections": { type: "string", default: "32" },
    "poisson-sockets": { type: "string", default: "64" },
    rate: { type: "string", default: "1000" },
    /** The rate below saturation at which CPU per check-in is measured. */
    "paced-rate": { type: "string", default: "400" },
    /** Rounds of the paced runs: the servers take turns, and each figure is the median round's. */
    rounds: { type: "string", default: "5" },
    /** Seconds of each paced run (after 2 s of the same, untimed). */
    "cpu-duration": { type: "string", default: "3" },
    /** Enough for every check-in of the first-report runs to be a school's first of the day. */
    schools: { type: "string", default: "30000" },
    /** Run only these servers (comma-separated: bare, floor, durable, always, kinds7, everysec); the ratios need always, durable and floor. */
    only: { type: "string", default: "always,kinds7,everysec,durable,floor,bare" },
    /** Write a V8 CPU profile of each server process for each run, and its Redis commands per request, into this directory. */
    profile: { type: "string" },
    /**
     * Pin each server process (all its threads) to core 0, and its redis-server and its load
     * generator to core 1 (taskset): the generator's work then never delays the server it times.
     */
    pin: { type: "boolean", default: false },
  },
});
const duration = Number(args.duration);
const rate = Number(args.rate);
const pacedRate = Number(args["paced-rate"]);
const rounds = Number(args.rounds);
const cpuDuration = Number(args["cpu-duration"]);
const connections = Number(args.connections);
const rateConnections = Number(args["rate-connections"]);
/** Seconds of Poisson arrivals before the timed Poisson run. */
const POISSON_WARMUP = 2;

/** A Monday in term before the safety deadline: every check-in is a fresh or replaced report. */
const NOW = "2026-11-23T08:30:00+08:00";
const PERIOD = "2026-11-23";

type ServerMessage = { type: "listening"; port: number; pid: number; redisUrl?: string } | { type: "profiled"; path: string } | ServerStats;
type LoadMessage =
  | { type: "ready"; pool: number; generateMs: number }
  | { type: "start"; name: string }
  | { type: "done"; name: string; result: LoadResult };

type RunName = "first" | "first-rate" | "max" | "fixed" | "poisson" | "rereport";
const RUN_NAMES: readonly RunName[] = ["first", "first-rate", "max", "fixed", "poisson", "rereport"];
const RUN_LABEL: Record<RunName, string> = {
  first: `${pacedRate}/s Poisson, first reports`,
  "first-rate": `${rate}/s Poisson, first reports`,
  max: "unlimited",
  fixed: `${rate}/s autocannon`,
  poisson: `${rate}/s Poisson`,
  rereport: `${pacedRate}/s Poisson, re-reports`,
};
/** Check-ins of the first-report runs (with their warm-ups): each must be a school's first of the day. */
const FIRST_REPORTS = rounds * pacedRate * (POISSON_WARMUP + cpuDuration) + rate * (POISSON_WARMUP + duration);

/** Share of one core each process used during a run (1 = one full core). */
interface CpuShare {
  server: number;
  redis: number;
  loader: number;
  /** Every other process of the machine (from /proc/stat): what the run shared the cores with. */
  others: number;
  /** From the run's start until its last answer (a Poisson run waits for those still in flight). */
  seconds: number;
}

/** CPU µs of the server and of its redis-server per answered request: their CPU time over the answers, whatever the run's length (NaN when none was answered). */
function cpuPerRequest(c: CpuShare, r: LoadResult): { server: number; redis: number } {
  const answered = r.ok2xx > 0 ? r.ok2xx : Number.NaN;
  return { server: ((c.server * c.seconds) / answered) * 1e6, redis: ((c.redis * c.seconds) / answered) * 1e6 };
}

/** Redis's commands per answered request during a run, from INFO commandstats before and after: calls and server µs each. */
function commandsPerRequest(before: string, after: string, answered: number): string {
  const read = (info: string) =>
    new Map([...info.matchAll(/^cmdstat_(\S+?):calls=(\d+),usec=(\d+)/gm)].map(([, name, calls, usec]) => [name!, { calls: Number(calls), usec: Number(usec) }]));
  const was = read(before);
  const lines = [...read(after)]
    .map(([name, now]) => ({ name, calls: now.calls - (was.get(name)?.calls ?? 0), usec: now.usec - (was.get(name)?.usec ?? 0) }))
    .filter((c) => c.calls > 0)
    .sort((a, b) => b.usec - a.usec)
    .map((c) => `${c.name.padEnd(14)} calls/req ${fmt(c.calls / answered, 2).padStart(6)}  µs/req ${fmt(c.usec / answered, 1).padStart(7)}  µs/call ${fmt(c.usec / c.calls, 2)}`);
  return `${answered} requests answered\n${lines.join("\n")}\n`;
}

/** One timed run on one server, with what its processes and the machine did meanwhile. */
interface RunMeasure {
  result: LoadResult;
  cpu: CpuShare;
  loop: ServerStats;
  /** AOF rewrites (fork + a child that rewrites the whole dataset) that ran during the run. */
  rewrites: number;
  /** What redis-server's latency monitor saw: each kind of wait of 5 ms or more, with its longest. */
  redisWaits: string;
  /** When the run started (UTC, to the second), to line its slow seconds up with other records (vmstat -t, logs). */
  startedAt: string;
}

type Measured = Record<RunName, RunMeasure> & {
  label: string;
  /** The paced runs of each round, in order (first and rereport above are the round of median CPU a check-in). */
  rounds: Record<"first" | "rereport", RunMeasure[]>;
  /** Share of a core the server and its redis-server used idle, before the runs (timers, the workers' polls). */
  idle: { server: number; redis: number };
  rss?: { before: number; peak: number; after: number; redisBefore: number; redisPeak: number; redisAfter: number };
  recorded?: { events: number; replies: number; answered: number; duplicates: number };
  /** redis-server's INFO persistence after the runs: AOF rewrites (a fork and a second process) and delayed fsyncs. */
  persistence?: { aofRewrites: number; lastForkMs: number; aofDelayedFsync: number; aofMiB: number };
};

const dir = mkdtempSync(join(tmpdir(), "pingan-bench-callback-"));
if (Number(args.schools) <= FIRST_REPORTS) throw new Error(`--schools must be over ${FIRST_REPORTS}: the first-report runs send that many`);
const fixture = writeBenchFixture({ dir, schools: Number(args.schools), areas: 10 });
const senders = fixture.schools.map((s) => s.reporter);
/** The fixture's config with every declared kind on (the example's 7), beside the roster it names. */
const sevenKindsConfig = join(dir, "pingan-7-kinds.yaml");
{
  const doc = parseDocument(readFileSync(fixture.configPath, "utf8"));
  for (const id of Object.keys((doc.toJS() as { tasks: Record<string, unknown> }).tasks)) doc.setIn(["tasks", id, "enabled"], true);
  writeFileSync(sevenKindsConfig, doc.toString());
}
const pupils = fixture.schools.map((s) => s.pupils);

console.log(`# bench:callback — ${describeMachine()}`);
console.log(
  `roster ${fixture.schools.length} schools; CPU a check-in: ${rounds} rounds of ${cpuDuration} s at ${pacedRate}/s per server, the servers taking turns; ` +
    `${duration} s per other run after ${args.warmup} s warm-up; ` +
    `throughput with ${connections} connections; ${rate} req/s offered by autocannon over ${rateConnections} connections ` +
    `and as Poisson arrivals over up to ${args["poisson-sockets"]} sockets; the load generator runs in its own process`,
);
// The servers run the compiled service, as bin/pingan.js does (the load generator stays on tsx: its CPU is not counted).
console.log(`dist/ built and the server harness compiled in ${fmt(compileChild("callback-server"), 0)} s; each server runs from dist/ by plain node`);

let replyMarkdown = "";

/** A server started with its load generator, ready for runs. */
interface Started {
  label: string;
  plan: ServerPlan;
  server: Child<ServerMessage>;
  load: Child<LoadMessage>;
  pid: number;
  redis?: Redis;
  redisPid?: number;
  profileAs?: string;
  results: Partial<Record<RunName, RunMeasure>>;
  rounds: Record<"first" | "rereport", RunMeasure[]>;
  /** The pool's next callback after the last run of each kind (first reports; re-reports). */
  next: { first: number; rereport: number };
  /** Check-ins answered and msgids re-sent over every run, warm-ups too (what the store must hold). */
  sent: { answered: number; duplicates: number };
  serviceRss: () => number;
  redisRss: () => number;
  rss: NonNullable<Measured["rss"]>;
  sampler: NodeJS.Timeout;
}

/** Busy and total jiffies of the whole machine so far (/proc/stat's first line). */
function machineJiffies(): { busy: number; total: number } {
  const fields = readFileSync("/proc/stat", "utf8").split("\n")[0]!.trim().split(/\s+/).slice(1).map(Number);
  const total = fields.reduce((a, b) => a + b, 0);
  // idle and iowait are the fourth and fifth fields.
  return { busy: total - fields[3]! - fields[4]!, total };
}

async function start(label: string, plan: ServerPlan): Promise<Started> {
  const server = spawnChild<ServerMessage>("callback-server", { compiled: true });
  const profileAs = args.profile && join(args.profile, `${plan.kind}${plan.appendfsync ? `-${plan.appendfsync}` : ""}${plan.configPath === sevenKindsConfig ? "-7-kinds" : ""}`);
  if (profileAs) mkdirSync(profileAs, { recursive: true });
  server.send(plan);
  // The full service answers once its start-up recount is done: minutes for a new data dir on a loaded machine.
  const { port, pid, redisUrl } = await server.next((m): m is Extract<ServerMessage, { type: "listening" }> => m.type === "listening", 600_000);
  const url = `http://127.0.0.1:${port}`;
  let redis: Redis | undefined;
  let redisPid: number | undefined;
  if (redisUrl) {
    redis = new Redis(redisUrl);
    redisPid = Number(/process_id:(\d+)/.exec(await redis.info("server"))?.[1]);
    await redis.config("SET", "latency-monitor-threshold", "5");
  }
  if (plan.kind === "full") {
    // One real check-in through the simulator: proves the path works and gives the baselines a reply of real size.
    const sim = createWecomSimulator({ baseUrl: url, token: TEST_TOKEN, encodingAESKey: TEST_AES_KEY });
    const reply = await sim.say({ from: senders[senders.length - 1]!, text: "平安" });
    if (!reply.markdown?.includes("已登记")) throw new Error(`smoke check-in failed: ${reply.status} ${reply.raw}`);
    replyMarkdown ||= reply.markdown;
  }
  const serviceRss = () => readRssMiB(pid) ?? 0;
  const redisRss = () => (redisPid ? (readRssMiB(redisPid) ?? 0) : 0);
  const rss = { before: serviceRss(), peak: 0, after: 0, redisBefore: redisRss(), redisPeak: 0, redisAfter: 0 };
  const sampler = setInterval(() => {
    rss.peak = Math.max(rss.peak, serviceRss());
    rss.redisPeak = Math.max(rss.redisPeak, redisRss());
  }, 200);
  // Enough distinct callbacks for the full service's runs (re-reports start at the roster's end: sender 0 again); the baselines may re-send (they keep no state).
  const paced = rounds * pacedRate * (POISSON_WARMUP + cpuDuration);
  const pool = plan.kind === "bare" || plan.kind === "floor" ? 20_000 : Math.ceil((senders.length + paced + 4000 * (Number(args.warmup) + duration) + rate * (2 * duration + POISSON_WARMUP)) * 1.1);
  const load = spawnChild<LoadMessage>("callback-load", { stdout: true });
  load.send({ url, path: "/wecom/callback", token: TEST_TOKEN, encodingAESKey: TEST_AES_KEY, botName: "平安助手", senders, pupils, pool, runs: [], driven: true } satisfies LoadPlan);
  const ready = await load.next((m): m is Extract<LoadMessage, { type: "ready" }> => m.type === "ready");
  console.log(`${label}: ${ready.pool} callbacks pre-generated in ${ready.generateMs} ms`);
  if (args.pin) {
    pin(pid, "0");
    for (const other of [redisPid, load.proc.pid]) if (other) pin(other, "1");
  }
  return { label, plan, server, load, pid, ...(redis && { redis }), ...(redisPid && { redisPid }), ...(profileAs && { profileAs }), results: {}, rounds: { first: [], rereport: [] }, next: { first: 0, rereport: senders.length }, sent: { answered: 0, duplicates: 0 }, serviceRss, redisRss, rss, sampler };
}

/** Every thread of process `pid` onto the cores `cpus` (taskset's list form); refuses to go on unpinned. */
function pin(pid: number, cpus: string): void {
  const done = spawnSync("taskset", ["--all-tasks", "--pid", "--cpu-list", cpus, String(pid)], { encoding: "utf8" });
  if (done.status !== 0) throw new Error(`taskset could not pin ${pid} to ${cpus}: ${done.stderr || done.error?.message}`);
}

/** Runs one run of the load on a server, measuring its processes and the machine meanwhile. */
async function runOn(s: Started, run: LoadRun): Promise<RunMeasure> {
  const { server, load, redis, profileAs } = s;
  const cpuNow = () => ({ server: readCpuSeconds(s.pid), redis: s.redisPid ? readCpuSeconds(s.redisPid) : 0, loader: readCpuSeconds(load.proc.pid!), machine: machineJiffies(), at: Date.now() });
  // Counts rewrites started (Redis counts one when it starts): one in progress at a run's end counts for that run.
  const rewriteCount = async () => (redis ? Number(/aof_rewrites:(\d+)/.exec(await redis.info("persistence"))?.[1] ?? 0) : 0);
  const rewritesBefore = await rewriteCount();
  const commandsBefore = profileAs && redis ? await redis.info("commandstats") : "";
  await redis?.call("LATENCY", "RESET");
  server.send({ type: "reset" });
  if (profileAs) server.send({ type: "profile" });
  load.send({ type: "run", run });
  await load.next((m): m is Extract<LoadMessage, { type: "start" }> => m.type === "start" && m.name === run.name);
  const startedAt = new Date().toISOString().slice(11, 19);
  const before = cpuNow();
  const done = await load.next((m): m is Extract<LoadMessage, { type: "done" }> => m.type === "done" && m.name === run.name);
  const after = cpuNow();
  s.sent.answered += done.result.ok2xx;
  s.sent.duplicates += done.result.duplicates;
  if (profileAs) {
    server.send({ type: "profiled", path: join(profileAs, `${run.name}.cpuprofile`) });
    await server.next((m): m is Extract<ServerMessage, { type: "profiled" }> => m.type === "profiled");
    if (redis) writeFileSync(join(profileAs, `${run.name}.commandstats.txt`), commandsPerRequest(commandsBefore, await redis.info("commandstats"), done.result.ok2xx));
  }
  server.send({ type: "stats" });
  const loop = await server.next((m): m is ServerStats => m.type === "stats");
  const rewrites = (await rewriteCount()) - rewritesBefore;
  const latest = redis ? ((await redis.call("LATENCY", "LATEST")) as [string, number, number, number][]) : [];
  const seconds = (after.at - before.at) / 1000;
  const share = (from: number, to: number) => (to - from) / seconds;
  const machine = ((after.machine.busy - before.machine.busy) / (after.machine.total - before.machine.total)) * cpus().length;
  const cpu = { server: share(before.server, after.server), redis: share(before.redis, after.redis), loader: share(before.loader, after.loader), others: 0, seconds };
  cpu.others = Math.max(0, machine - cpu.server - cpu.redis - cpu.loader);
  return { result: done.result, cpu, loop, rewrites, redisWaits: latest.map(([event, , , max]) => `${event} ${max}`).join(", ") || "-", startedAt };
}

/** A run's p99 for the line of figures; none where some requests were refused or failed (a p99 of refusals says nothing of check-ins). */
function p99Of(m: RunMeasure | undefined): string {
  if (!m) return "n/a";
  const { p99, non2xx, errors, timeouts } = m.result;
  const failed = non2xx + errors + timeouts;
  return failed > 0 ? `n/a(${failed}_failed)` : `${fmt(p99, 1)}ms`;
}

/** CPU µs of a server and its redis-server per check-in answered in a run. */
function cpuPerCheckin(m: RunMeasure): number {
  const per = cpuPerRequest(m.cpu, m.result);
  return per.server + per.redis;
}

/** The server's and its redis-server's share of a core over a few idle seconds. */
async function idleShare(s: Started): Promise<Measured["idle"]> {
  const server0 = readCpuSeconds(s.pid);
  const redis0 = s.redisPid ? readCpuSeconds(s.redisPid) : 0;
  const at = Date.now();
  await new Promise((done) => setTimeout(done, 3000));
  const seconds = (Date.now() - at) / 1000;
  return { server: (readCpuSeconds(s.pid) - server0) / seconds, redis: s.redisPid ? (readCpuSeconds(s.redisPid) - redis0) / seconds : 0 };
}

/** Stops a server and its load generator; what the full service kept is checked first. */
async function finish(s: Started, idle: Measured["idle"]): Promise<Measured> {
  s.load.send({ type: "end" });
  await s.load.exited;
  clearInterval(s.sampler);
  await new Promise((done) => setTimeout(done, 2000));
  s.rss.after = s.serviceRss();
  s.rss.redisAfter = s.redisRss();
  const { redis, plan } = s;
  let recorded: Measured["recorded"];
  let persistence: Measured["persistence"];
  if (redis && plan.kind === "full") {
    const keys = createKeys();
    const events = await redis.xlen(keys.periodLog("safety", PERIOD));
    // A check-in's reply is kept with it, in its period.
    const replies = await redis.hlen(keys.periodReplies("safety", PERIOD));
    recorded = { events, replies, answered: s.sent.answered + 1, duplicates: s.sent.duplicates };
    const info = (await redis.info("persistence")) + (await redis.info("stats"));
    const field = (name: string) => Number(new RegExp(`${name}:(\\d+)`).exec(info)?.[1] ?? Number.NaN);
    persistence = {
      aofRewrites: field("aof_rewrites"),
      lastForkMs: field("latest_fork_usec") / 1000,
      aofDelayedFsync: field("aof_delayed_fsync"),
      aofMiB: field("aof_current_size") / 1024 / 1024,
    };
  }
  redis?.disconnect();
  s.server.send({ type: "stop" });
  await s.server.exited;
  // The table shows each paced kind's round of median CPU a check-in.
  const median = (runs: RunMeasure[]) => [...runs].sort((a, b) => cpuPerCheckin(a) - cpuPerCheckin(b))[Math.floor((runs.length - 1) / 2)]!;
  return {
    label: s.label,
    ...(s.results as Record<RunName, RunMeasure>),
    first: median(s.rounds.first),
    rereport: median(s.rounds.rereport),
    rounds: s.rounds,
    idle,
    ...(plan.kind === "full" && { rss: s.rss }),
    ...(recorded && { recorded }),
    ...(persistence && { persistence }),
  };
}

const base = { token: TEST_TOKEN, encodingAESKey: TEST_AES_KEY, replyMarkdown: "" };
const fullPlan = (fsync: "always" | "everysec"): ServerPlan => ({
  ...base,
  kind: "full",
  configPath: fixture.configPath,
  dataDir: join(dir, `data-${fsync}`),
  env: fixture.env,
  now: NOW,
  appendfsync: fsync,
});

type ServerKey = "always" | "kinds7" | "everysec" | "durable" | "floor" | "bare";
const plans: Record<ServerKey, [string, () => ServerPlan]> = {
  always: ["full (AOF fsync always)", () => fullPlan("always")],
  kinds7: ["full, 7 kinds (AOF fsync always)", () => ({ ...fullPlan("always"), configPath: sevenKindsConfig, dataDir: join(dir, "data-7-kinds") })],
  everysec: ["full (AOF fsync everysec)", () => fullPlan("everysec")],
  durable: ["durable floor (crypto + 1 script, AOF always)", () => ({ ...base, kind: "durable", replyMarkdown, senders, dataDir: join(dir, "data-durable") })],
  floor: ["floor (verify+decrypt+seal)", () => ({ ...base, kind: "floor", replyMarkdown })],
  bare: ["bare Koa (fixed body)", () => ({ ...base, kind: "bare", replyMarkdown })],
};

try {
  const wanted = args.only.split(",").map((k) => k.trim()) as ServerKey[];
  const keys = (["always", "kinds7", "everysec", "durable", "floor", "bare"] as const).filter((key) => wanted.includes(key));
  // All started first, the full service first: its first check-in gives the baselines a reply of real size.
  const started = new Map<ServerKey, Started>();
  for (const key of keys) {
    const [label, plan] = plans[key];
    started.set(key, await start(label, plan()));
  }
  const idle = new Map<ServerKey, Measured["idle"]>();
  for (const [key, s] of started) idle.set(key, await idleShare(s));
  const poissonSockets = Number(args["poisson-sockets"]);
  const paced = (name: string, seconds: number, from?: number): LoadRun => ({ name, mode: "poisson", connections: poissonSockets, duration: seconds, overallRate: pacedRate, ...(from !== undefined && { from }) });
  // CPU a check-in: the servers take turns, a round at a time, each round in another order, so
  // that a minute the machine was busier weighs on every server alike; first reports first, while
  // every school has yet to report, then re-reports (from the roster's start again).
  for (const kind of ["first", "rereport"] as const) {
    for (let round = 0; round < rounds; round += 1) {
      const order = [...started.values()];
      for (let i = 0; i < round % order.length; i += 1) order.push(order.shift()!);
      if (round % 2 === 1) order.reverse();
      for (const s of order) {
        await runOn(s, paced(`warmup-${kind}`, POISSON_WARMUP, s.next[kind]));
        const measured = await runOn(s, paced(kind, cpuDuration));
        s.rounds[kind].push(measured);
        s.next[kind] = measured.result.next;
      }
    }
    console.log(`${kind === "first" ? "first reports" : "re-reports"}: ${rounds} rounds done`);
  }
  // Latency and throughput, a server at a time: first reports at the rate, then re-reports after those of the paced rounds.
  // Each Poisson run at the rate comes after 2 s of the same, untimed: the generator's open loop warms up too (its
  // first second at a new rate measured itself, not the server), and first reports are no exception.
  for (const s of started.values()) {
    await runOn(s, { name: "warmup-first-rate", mode: "poisson", connections: poissonSockets, duration: POISSON_WARMUP, overallRate: rate, from: s.next.first });
    s.results["first-rate"] = await runOn(s, { name: "first-rate", mode: "poisson", connections: poissonSockets, duration, overallRate: rate });
    await runOn(s, { name: "warmup", connections, duration: Number(args.warmup), from: s.next.rereport });
    s.results.max = await runOn(s, { name: "max", connections, duration });
    s.results.fixed = await runOn(s, { name: "fixed", connections: rateConnections, duration, overallRate: rate });
    await runOn(s, { name: "warmup-poisson", mode: "poisson", connections: poissonSockets, duration: POISSON_WARMUP, overallRate: rate });
    s.results.poisson = await runOn(s, { name: "poisson", mode: "poisson", connections: poissonSockets, duration, overallRate: rate });
  }
  const got: Partial<Record<ServerKey, Measured>> = {};
  for (const [key, s] of started) got[key] = await finish(s, idle.get(key)!);
  const { bare, floor, durable, always: full, kinds7, everysec: fullEverysec } = got;
  const all = [bare, floor, durable, full, kinds7, fullEverysec].filter((m): m is Measured => m !== undefined);
  const fulls = [full, fullEverysec].filter((m): m is Measured => m !== undefined);

  const row = (m: Measured, run: RunName) => {
    const r = m[run].result;
    return [
      m.label,
      RUN_LABEL[run],
      fmt(r.requestsPerSecond, 0),
      fmt(r.p50, 2),
      fmt(r.p99, 2),
      Number.isNaN(r.autocannonP99) ? "-" : String(r.autocannonP99),
      fmt(r.max, 1),
      `${r.non2xx}/${r.errors}/${r.timeouts}/${r.mismatches}`,
    ];
  };
  console.log("\n## Throughput and latency (ms; p99 CO = autocannon's, 1 ms steps, corrected for coordinated omission)");
  printTable(
    ["server", "run", "req/s", "p50", "p99", "p99 CO", "max", "non-2xx/err/timeout/bad body"],
    all.flatMap((m) => RUN_NAMES.map((run) => row(m, run))),
  );
  // The durable floor's too: its redis-server fsyncs each write as the full service's does, so a slow disk second shows in both.
  for (const m of [...fulls, ...(durable ? [durable] : [])]) {
    for (const run of ["first-rate", "poisson"] as const) {
      console.log(`${m.label}, ${RUN_LABEL[run]} from ${m[run].startedAt} UTC, p99 (ms) of the requests due in each second: ${m[run].result.p99BySecond!.map((v) => fmt(v, 0)).join(" ")}`);
    }
  }

  console.log(`\n## Where the ${cpus().length} cores went (share of one core; CPU µs per request; the paced runs: the round of median CPU a check-in; "others": every other process of the machine)`);
  printTable(
    ["server", "run", "server", "redis-server", "load generator", "others", "server µs/req", "redis µs/req"],
    all.flatMap((m) => [
      [m.label, "idle, before the runs", fmt(m.idle.server, 3), fmt(m.idle.redis, 3), "-", "-", "-", "-"],
      ...RUN_NAMES.map((run) => {
        const c = m[run].cpu;
        const per = cpuPerRequest(c, m[run].result);
        return [m.label, RUN_LABEL[run], fmt(c.server, 2), fmt(c.redis, 2), fmt(c.loader, 2), fmt(c.others, 2), fmt(per.server, 0), fmt(per.redis, 0)];
      }),
    ]),
  );

  console.log("\n## What held the server's event loop, Redis and the load generator (ms; loop delay is sampled every 5 ms and includes those 5 ms)");
  printTable(
    ["server", "run", "GC pauses", "GC total", "GC max (kind)", "loop delay p50", "p99", "max", "AOF rewrites", "redis-server waits ≥ 5 ms (longest)", "load generator's GC total / max"],
    all.flatMap((m) =>
      RUN_NAMES.map((run) => {
        const { loop: l, rewrites, redisWaits, result } = m[run];
        return [m.label, RUN_LABEL[run], String(l.gcCount), fmt(l.gcMs, 0), `${fmt(l.gcMaxMs, 1)} (${l.gcMaxKind})`, fmt(l.loopDelayP50, 1), fmt(l.loopDelayP99, 1), fmt(l.loopDelayMax, 1), rewrites ? String(rewrites) : "-", redisWaits, `${fmt(result.loaderGcMs, 0)} / ${fmt(result.loaderGcMaxMs, 1)}`];
      }),
    ),
  );

  console.log("\n## Ratios and targets");
  const rows: string[][] = [];
  if (floor && bare) rows.push(["floor / bare (req/s)", fmt(floor.max.result.requestsPerSecond / bare.max.result.requestsPerSecond, 2), "(context)", ""]);
  if (full && floor) {
    const ratio = full.max.result.requestsPerSecond / floor.max.result.requestsPerSecond;
    rows.push(["full / floor (req/s)", fmt(ratio, 2), "≥ 0.75", verdict(ratio, { atLeast: 0.75 })]);
  }
  if (fullEverysec && floor) rows.push(["full everysec / floor (req/s)", fmt(fullEverysec.max.result.requestsPerSecond / floor.max.result.requestsPerSecond, 2), "(context)", ""]);
  for (const m of fulls) {
    const target = m === full ? "< 20" : "(context)";
    const judge = (value: number) => (m === full ? verdict(value, { atMost: 20 }) : "");
    const bursty = Math.max(m.fixed.result.p99, m.fixed.result.autocannonP99);
    rows.push([`${m.label}: p99 at ${rate} req/s, Poisson arrivals (ms)`, fmt(m.poisson.result.p99, 2), target, judge(m.poisson.result.p99)]);
    rows.push([`${m.label}: p99 at ${rate} req/s, autocannon overallRate (ms)`, fmt(bursty, 2), target, judge(bursty)]);
  }
  printTable(["figure", "value", "target", "verdict"], rows);

  if (fulls.length > 0) {
    console.log("\n## Service memory (RSS, MiB) under the callback load");
    printTable(
      ["server", "service before", "peak during", "after (+2 s)", "redis-server before", "peak", "after"],
      fulls.map((m) => [m.label, ...[m.rss!.before, m.rss!.peak, m.rss!.after, m.rss!.redisBefore, m.rss!.redisPeak, m.rss!.redisAfter].map((v) => fmt(v, 0))]),
    );

    console.log("\n## Nothing lost: every answered check-in was recorded");
    for (const m of fulls) {
      const r = m.recorded!;
      const p = m.persistence!;
      const ok = r.events >= r.answered - r.duplicates && r.replies >= r.answered - r.duplicates;
      console.log(
        `${m.label}: answered 200 ${r.answered} (incl. 1 smoke, ${r.duplicates} re-sent msgids), ` +
          `audit events ${r.events}, stored replies ${r.replies} (in flight at a run's end may add a few) — ${ok ? "OK" : "LOST CHECK-INS"}; ` +
          `AOF ${fmt(p.aofMiB, 0)} MiB, ${p.aofRewrites} AOF rewrite(s) (last fork ${fmt(p.lastForkMs, 1)} ms), ${p.aofDelayedFsync} delayed fsync(s)`,
      );
    }
  }
  // The line issue 14 asks for: the full service's throughput over the crypto floor's, and its p99 at the rate (Poisson arrivals).
  const ratio = full && floor ? fmt(full.max.result.requestsPerSecond / floor.max.result.requestsPerSecond, 2) : "n/a";
  console.log(`\ncallback: full/floor=${ratio} p99_at_${rate}=${full ? fmt(full.poisson.result.p99, 1) : "n/a"}ms`);
  // Issue 25's lines: CPU per check-in (the server's and its redis-server's, from their CPU time) at a paced rate below
  // saturation, a floor's over the full service's (1 = as cheap as the floor), for first reports of the day and for re-reports:
  // the median of the rounds' ratios, each of runs next to each other in time.
  const perRound = (m: Measured | undefined, run: "first" | "rereport") => (m ? m.rounds[run].map(cpuPerCheckin) : [Number.NaN]);
  const ratios = (floorOf: Measured | undefined, run: "first" | "rereport") => perRound(full, run).map((us, i) => (perRound(floorOf, run)[i] ?? Number.NaN) / us);
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor((values.length - 1) / 2)]!;
  // Beside each p99 the durable floor's at the same rate and kind, from the same run: the least a check-in fsynced before
  // its answer waits on this machine's disk (its slow seconds are the disk's, not the service's).
  for (const [kind, run, rateRun] of [["first", "first", "first-rate"], ["rereport", "rereport", "poisson"]] as const) {
    const durableRatio = median(ratios(durable, run));
    console.log(
      `callback: kind=${kind} full/durable=${fmt(durableRatio, 2)} full/floor=${fmt(median(ratios(floor, run)), 2)} p99_at_${rate}=${p99Of(full?.[rateRun])} durable_p99_at_${rate}=${p99Of(durable?.[rateRun])} ` +
        `(median of ${rounds} rounds, full/durable each round ${ratios(durable, run).map((r) => fmt(r, 2)).join(" ")}; CPU µs a check-in at ${pacedRate}/s, median round: ` +
        `full ${fmt(median(perRound(full, run)), 0)}, durable ${fmt(median(perRound(durable, run)), 0)}, floor ${fmt(median(perRound(floor, run)), 0)}; target full/durable ≥ 0.6: ${verdict(durableRatio, { atLeast: 0.6 })})`,
    );
  }
  // Issue 23's line: a check-in's CPU with the example's 7 kinds on over the same with its 3 (1 = no growth); only when both ran.
  for (const run of full && kinds7 ? (["first", "rereport"] as const) : []) {
    const three = median(perRound(full, run));
    const seven = median(perRound(kinds7, run));
    console.log(`callback: kinds run=${run} 7/3=${fmt(seven / three, 2)} (CPU µs a check-in at ${pacedRate}/s: 3 kinds ${fmt(three, 0)}, 7 kinds ${fmt(seven, 0)})`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
