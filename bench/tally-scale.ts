/**
 * Benchmark 2 (issues 6 and 14): 汇总 at county and province scale, each size beside the
 * smallest as its baseline, in the same run.
 *
 *   npm run bench:tally [-- --sizes 500,20000,100000 --areas 40 --runs 20 --kinds 7]
 *
 * `--kinds 7`: every kind of the example config enabled, each owed every day (issue 23's seven),
 * seeded alike (the declared kinds with each field given); the in-process table adds each kind's
 * read and tally.
 *
 * For each size: fictional schools in 40 areas (4 leaders), the whole service (startSystem,
 * embedded redis-server with AOF fsync always), a week of reports (ISO week 2026-W48: seven days
 * of 平安日报 and the week's 周学习) seeded through the report store, pipelined. The clock stands
 * at Sunday 2026-11-29 20:00, so `汇总` covers a day and `汇总 本周` the week. Timed, N runs each
 * after warm-up, through HTTP as a leader: from the callback's first byte sent to the reply read
 * whole (the service's decrypting and sealing included, WeCom's side of the crypto, which the
 * simulator plays, not). A request that fails or
 * times out (the web connection's Redis command timeout answers 稍后再试) is a measured failure,
 * counted in `timeouts=`, never a crash. Then where 汇总's time goes, in-process, and the tally
 * job's work. Each size ends with one line:
 *   tally-scale: schools=N day_ms=<median> week_ms=<median> max_ms=<slowest> timeouts=<failed>
 *
 * Then a province's deployment (issue 25; `--tree 100000`, 0 for none): the schools under 1
 * province, `--cities` cities and `--counties` counties of `--county-areas` 片区 each, one week
 * seeded the same way; 汇总 asked by a leader bound to the province, to a city and to a county
 * (each sees his node: a row per city, per county, the county's 片区 and schools), one line each:
 *   tally-scale: level=province|city|county schools=<the node's> day_ms= week_ms= max_ms= timeouts=
 * beside the first (county) size of the same run as the baseline.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import pino from "pino";
import { toInstant } from "../src/time/local-time.js";
import { createManualClock } from "../src/clock/clock.js";
import { buildTally } from "../src/features/tallies/build-tally.js";
import { formatSummary, formatSummaryReading } from "../src/features/leaders/format-summary.js";
import { loadCountedPeriods, tallyKinds } from "../src/tally/load-tally.js";
import { defaultListing } from "../src/tally/task-tally.js";
import { tallyFromCounts } from "../src/tally/load-tally.js";
import { readSettings } from "../src/main/settings.js";
import { startSystem } from "../src/main/system.js";
import { createWecomSimulator } from "../src/wecom/simulator/wecom-simulator.js";
import { seedPeriod } from "./support/seed-reports.js";
import { describeMachine, fmt, printTable, summarize, timeRuns, verdict } from "./support/stats.js";
import { BENCH_FIRST_DAY, writeBenchFixture } from "./support/write-fixture.js";
import { findNode } from "../src/config/roster-tree.js";
import { kindOf } from "../src/config/kinds.js";
import { TEST_AES_KEY, TEST_TOKEN } from "../test/support/test-env.js";

const { values: args } = parseArgs({
  options: {
    sizes: { type: "string", default: "500,20000,100000" },
    areas: { type: "string", default: "40" },
    runs: { type: "string", default: "20" },
    // The first size's warm-up also warms the process (JIT): with 3 the 500-school baseline
    // came out slower than 20,000 schools.
    warmup: { type: "string", default: "20" },
    tree: { type: "string", default: "100000" },
    cities: { type: "string", default: "10" },
    counties: { type: "string", default: "100" },
    "county-areas": { type: "string", default: "10" },
    // 7: every kind of the example config enabled and owed every day (write-fixture.ts allKinds).
    kinds: { type: "string", default: "3" },
  },
});
const allKinds = args.kinds === "7";
const runs = Number(args.runs);
const warmup = Number(args.warmup);
const sizes = args.sizes.split(",").map(Number);

const ZONE = "Asia/Shanghai";
const NOW = "2026-11-29T20:00:00+08:00";
const TODAY = "2026-11-29";
const MONDAY = "2026-11-23";

/** What one size (or one leader of the tree) measured: every request's time, and the requests that failed. */
interface SizeResult {
  /** The tree's: the asker's level. */
  level?: "province" | "city" | "county";
  /** The schools the asker sees. */
  schools: number;
  day: number[];
  week: number[];
  timeouts: number;
}

console.log(`# bench:tally — ${describeMachine()}`);

async function measureSize(schools: number, tree?: { cities: number; counties: number }): Promise<SizeResult[]> {
  const dir = mkdtempSync(join(tmpdir(), "pingan-bench-tally-"));
  const areas = Number(tree ? args["county-areas"] : args.areas);
  const fixture = writeBenchFixture({ dir, schools, areas, leaders: 4, ...(tree && { tree }), allKinds });
  const clock = createManualClock(BENCH_FIRST_DAY);
  const service = await startSystem(
    readSettings({ ...fixture.env, PINGAN_CONFIG: fixture.configPath, PINGAN_DATA_DIR: join(dir, "data"), PORT: "0", HOST: "127.0.0.1", WECOM_API_BASE: "http://127.0.0.1:9" }),
    { log: pino({ level: process.env.BENCH_LOG ?? "silent" }), clock, schedules: false },
  );
  // The start-up recount (a new store's counts) sends the whole roster to Redis for each of the
  // last 62 days of each kind: at 20,000 schools and 7 kinds it ran for minutes, through the
  // seeding and the timed requests. A running service has done it long before anyone asks.
  await service.recounted();
  clock.set(new Date(NOW));
  try {
    const rt = service;
    const { roster, calendar } = rt;
    // The simulator plays WeCom, whose side of the crypto is not the service's time: signing and
    // encrypting the callback, then checking the signature of the ~20 KB reply, decrypting it and
    // encrypting it again to check it, ran on this thread inside each timed request (~1 ms of a
    // week's). A request is timed from its first byte sent to its reply read whole: the service's
    // receive, decrypt, answer, reply memory, seal and HTTP, and this process's HTTP client.
    let exchange = Number.NaN;
    const timedFetch: typeof fetch = async (input, init) => {
      const start = performance.now();
      try {
        const res = await fetch(input, init);
        const body = await res.arrayBuffer();
        return new Response(body, { status: res.status, headers: res.headers });
      } finally {
        exchange = performance.now() - start;
      }
    };
    const sim = createWecomSimulator({ baseUrl: service.url!, token: TEST_TOKEN, encodingAESKey: TEST_AES_KEY, botName: rt.config.bot.name, fetch: timedFetch });
    const leader = fixture.leaders[0]!;
    const dayPeriods = calendar.tasks.flatMap((task) => calendar.at(task, toInstant(TODAY, "12:00", ZONE)) ?? []);
    const weekPeriods = calendar.tasks.flatMap((task) => calendar.list(task, MONDAY, TODAY));
    const seeded = weekPeriods.filter((p) => p.required);
    const seedStart = Date.now();
    let reports = 0;
    for (const period of seeded) reports += await seedPeriod(rt.store, roster.schools, period, {}, 2000, kindOf(rt.config, period.task));
    const seedSeconds = (Date.now() - seedStart) / 1000;
    // A bulk load this size keeps redis-server rewriting its AOF (a fork and a child on one of
    // the two cores) for a while after: measure 汇总 once that is done, not the rewrite.
    const rewriteStart = Date.now();
    const persistence = () => rt.workerRedis.info("persistence");
    await rt.workerRedis.bgrewriteaof().catch(() => {});
    while (/aof_rewrite_in_progress:1|aof_rewrite_scheduled:1/.test(await persistence())) await new Promise((wake) => setTimeout(wake, 100));
    const rewriteSeconds = (Date.now() - rewriteStart) / 1000;
    // The service runs in this process: what the bulk load left on the heap is not the service's,
    // and collecting it during the timed requests measured the load, not 汇总.
    (globalThis as { gc?: () => void }).gc?.();
    const where = tree ? `1 province, ${tree.cities} cities, ${tree.counties} counties of ${areas} areas each` : `${fixture.areas.length} areas`;
    console.log(
      `\n## ${roster.schools.length} schools in ${where}\nseeded ${reports} reports over ${seeded.map((p) => `${p.task} ${p.id}`).join(", ")} ` +
        `in ${fmt(seedSeconds, 1)} s (${fmt(reports / seedSeconds, 0)}/s through the store, AOF fsync always), AOF rewritten in ${fmt(rewriteSeconds, 1)} s; ${runs} runs after ${warmup} warm-up`,
    );

    // A 汇总 that fails (稍后再试 after a Redis command timeout, an HTTP error) is counted, not fatal.
    let timeouts = 0;
    const ask = async (text: string, from = leader): Promise<string> => {
      try {
        const reply = await sim.say({ from, text });
        if (reply.status === 200 && reply.markdown?.includes("应报")) return reply.markdown;
        timeouts += 1;
        return `(failed: ${reply.status} ${reply.markdown ?? reply.raw})`;
      } catch (error) {
        timeouts += 1;
        return `(failed: ${(error as Error).message})`;
      }
    };
    /** Each request's exchange (ms), and apart its whole time with the simulator's crypto, asked `runs` times after `warmup` unmeasured. */
    const timeAsks = async (text: string, from = leader): Promise<number[] & { withCrypto: number[] }> => {
      const times = Object.assign([] as number[], { withCrypto: [] as number[] });
      for (let i = 0; i < warmup + runs; i += 1) {
        const start = performance.now();
        await ask(text, from);
        if (i < warmup) continue;
        times.withCrypto.push(performance.now() - start);
        times.push(exchange);
      }
      return times;
    };
    if (fixture.nodeLeaders) {
      // The tree: each leader's 汇总, timed the same way; what each sees, by its first lines.
      const results: SizeResult[] = [];
      for (const { level, userid, node } of fixture.nodeLeaders) {
        timeouts = 0;
        const seen = roster.within(findNode(roster.root, node)!).schools.length;
        const first = await ask("汇总", userid);
        const day = await timeAsks("汇总", userid);
        const week = await timeAsks("汇总 本周", userid);
        const rows = first.split("\n").filter((line) => /：已报 \d+\//.test(line));
        console.log(`${level} ${node} (${seen} schools): 汇总 ${Buffer.byteLength(first)} bytes${rows.length === 0 ? ` (${first.split("\n").slice(0, 3).join(" / ")})` : ""}, ${rows.length} rows of its children${rows[0] ? `, e.g. ${rows[0]}` : ""}`);
        results.push({ level, schools: seen, day, week, timeouts });
      }
      return results;
    }
    const sample = { day: await ask("汇总"), week: await ask("汇总 本周") };
    const day = await timeAsks("汇总");
    const week = await timeAsks("汇总 本周");

    // Where 汇总 spends its time, in-process: the command's path whole (all kinds' counts in one
    // round trip, each kind's abnormal reports read only as far as the reply shows them), then
    // each kind's read in full (as loadTally reads it) and tally apart.
    const sources = { roster, store: rt.store, exemptions: rt.exemptions };
    const steps: Record<string, number[]> = {};
    for (const [label, list] of [["day", dayPeriods], ["week", weekPeriods]] as const) {
      const kinds = calendar.tasks.map((task) => list.filter((p) => p.task === task)).filter((own) => own.length > 0);
      const command = async () => formatSummaryReading({ label, now: new Date(NOW), config: rt.config, node: roster.node }, await tallyKinds(sources, kinds, new Date(NOW)));
      steps[`${label}: 汇总 in-process (tallyKinds + formatSummaryReading)`] = await timeRuns(command, runs, warmup);
    }
    for (const [label, list] of [["day", dayPeriods], ["week", weekPeriods]] as const) {
      const read: number[] = [];
      const tally: number[] = [];
      const format: number[] = [];
      const perKind = new Map<string, number[]>();
      for (let i = 0; i < warmup + runs; i += 1) {
        let r = 0;
        let c = 0;
        const tallies = [];
        for (const task of calendar.tasks) {
          const own = list.filter((p) => p.task === task);
          if (own.length === 0) continue;
          let t = performance.now();
          const counted = await loadCountedPeriods(sources, own, defaultListing(roster));
          const kindRead = performance.now() - t;
          r += kindRead;
          t = performance.now();
          tallies.push(tallyFromCounts({ roster, periods: counted, now: new Date(NOW), list: defaultListing(roster) }));
          c += performance.now() - t;
          const name = `${label}: ${own[0]!.taskName} read + tally`;
          if (i >= warmup) perKind.set(name, [...(perKind.get(name) ?? []), kindRead + performance.now() - t]);
        }
        const t = performance.now();
        formatSummary({ label, now: new Date(NOW), tallies, config: rt.config, node: roster.node });
        if (i < warmup) continue;
        read.push(r);
        tally.push(c);
        format.push(performance.now() - t);
      }
      steps[`${label}: read in full, a kind at a time (loadCountedPeriods)`] = read;
      steps[`${label}: tallyFromCounts`] = tally;
      steps[`${label}: formatSummary of those (format + fit 20 KB)`] = format;
      Object.assign(steps, Object.fromEntries(perKind));
    }
    const safetyToday = dayPeriods.find((p) => p.task === "safety")!;
    steps["tally job: buildTally 平安日报 day"] = await timeRuns(() => buildTally(rt.jobDeps, { task: "safety", period: safetyToday, group: "leaders", now: new Date(NOW) }), runs, warmup);

    printTable(
      ["what (ms)", "median", "p95", "max"],
      [
        ["汇总 (day) via HTTP", day],
        ["汇总 本周 via HTTP", week],
        ["汇总 (day) via HTTP, with the simulator's crypto", day.withCrypto],
        ["汇总 本周 via HTTP, with the simulator's crypto", week.withCrypto],
        ...Object.entries(steps),
      ].map(([name, values]) => {
        const s = summarize(values as number[]);
        return [name as string, fmt(s.median, 1), fmt(s.p95, 1), fmt(s.max, 1)];
      }),
    );
    const bytes = (text: string) => Buffer.byteLength(text, "utf8");
    console.log(`reply sizes: 汇总 ${bytes(sample.day)} bytes, 汇总 本周 ${bytes(sample.week)} bytes (limit 20480); 汇总 本周's missing list:`);
    const missingAt = sample.week.split("\n").findIndex((line) => line.includes("未报（"));
    console.log(sample.week.split("\n").slice(Math.max(0, missingAt), Math.max(0, missingAt) + 4).map((line) => `  ${line.slice(0, 160)}`).join("\n"));
    return [{ schools: roster.schools.length, day, week, timeouts }];
  } finally {
    await service.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

const results: SizeResult[] = [];
for (const size of sizes) results.push(...(await measureSize(size)));
if (Number(args.tree) > 0) results.push(...(await measureSize(Number(args.tree), { cities: Number(args.cities), counties: Number(args.counties) })));
const label = (r: SizeResult) => (r.level ? `${r.level} (${r.schools} schools)` : `${r.schools} schools`);

const base = results[0]!;
const median = (values: number[]) => summarize(values).median;
console.log(`\n## Targets (baseline: the ${base.schools}-school figures of this run)`);
const rows: string[][] = [];
for (const r of results) {
  for (const [what, values, baseline] of [["汇总 (day)", r.day, base.day], ["汇总 本周", r.week, base.week]] as const) {
    rows.push([`${label(r)}: ${what} median`, fmt(median(values), 1), "≤ 20 ms", verdict(median(values), { atMost: 20 })]);
    if (r !== base) {
      const ratio = median(values) / median(baseline);
      rows.push([`${label(r)}: ${what} / ${base.schools}-school median`, fmt(ratio, 2), "≤ 1.5", verdict(ratio, { atMost: 1.5 })]);
    }
  }
  const max = Math.max(...r.day, ...r.week);
  rows.push([`${label(r)}: slowest request`, fmt(max, 1), "≤ 100 ms", verdict(max, { atMost: 100 })]);
  rows.push([`${label(r)}: timeouts and failures`, String(r.timeouts), "0", r.timeouts === 0 ? "PASS" : "MISS"]);
}
printTable(["figure", "value", "target", "verdict"], rows);
console.log("");
for (const r of results) {
  console.log(`tally-scale: ${r.level ? `level=${r.level} ` : ""}schools=${r.schools} day_ms=${fmt(median(r.day), 1)} week_ms=${fmt(median(r.week), 1)} max_ms=${fmt(Math.max(...r.day, ...r.week), 1)} timeouts=${r.timeouts}`);
}
