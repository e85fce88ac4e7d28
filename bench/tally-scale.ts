/**
 * Benchmark 2 (issue 6): 汇总 and the tally job at province scale, beside the raw Redis reads.
 *
 *   npm run bench:tally [-- --schools 20000 --areas 40 --runs 20]
 *
 * 20,000 fictional schools in 40 areas (4 leaders), the whole service (startSystem, embedded
 * redis-server with AOF fsync always), a week of reports (ISO week 2026-W48: seven days of 平安日报
 * and the week's 周学习) seeded through the report store, pipelined. The clock stands at Sunday
 * 2026-11-29 20:00, so `汇总` covers a day and `汇总 本周` the week. Timed, N runs each after
 * warm-up:
 *   - `汇总` and `汇总 本周` through HTTP: the simulator, as a leader (crypto both ways included);
 *   - the tally job's work, buildTally, for the day's 平安日报 and the week's 周学习;
 *   - the baseline: HGETALL of the same period hashes on the web process's connection, and
 *     (context) every raw read 汇总 does: report, exemption and (平安日报) abnormal-report hashes.
 * Then where 汇总's time goes, step by step, in-process.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import pino from "pino";
import { toInstant } from "../src/time/local-time.js";
import { createManualClock } from "../src/time/clock.js";
import { buildTally } from "../src/features/tallies/build-tally.js";
import { computeTally } from "../src/features/leaders/compute-summary.js";
import { formatSummary } from "../src/features/leaders/format-summary.js";
import { loadPeriodInputs } from "../src/features/leaders/load-tally.js";
import { readSettings } from "../src/main/settings.js";
import { startSystem } from "../src/main/system.js";
import { createWecomSimulator } from "../src/wecom/simulator/wecom-simulator.js";
import type { TaskPeriod } from "../src/time/task-calendar.js";
import { seedPeriod } from "./support/seed-reports.js";
import { describeMachine, fmt, printTable, summarize, timeRuns, verdict, type Summary } from "./support/stats.js";
import { writeBenchFixture } from "./support/write-fixture.js";
import { TEST_AES_KEY, TEST_TOKEN } from "../test/support/test-env.js";

const { values: args } = parseArgs({
  options: {
    schools: { type: "string", default: "20000" },
    areas: { type: "string", default: "40" },
    runs: { type: "string", default: "20" },
    warmup: { type: "string", default: "3" },
  },
});
const runs = Number(args.runs);
const warmup = Number(args.warmup);

const ZONE = "Asia/Shanghai";
const NOW = "2026-11-29T20:00:00+08:00";
const TODAY = "2026-11-29";
const MONDAY = "2026-11-23";

const dir = mkdtempSync(join(tmpdir(), "pingan-bench-tally-"));
const fixture = writeBenchFixture({ dir, schools: Number(args.schools), areas: Number(args.areas), leaders: 4 });
console.log(`# bench:tally — ${describeMachine()}`);

const service = await startSystem(readSettings({ ...fixture.env, PINGAN_CONFIG: fixture.configPath, PINGAN_DATA_DIR: join(dir, "data"), PORT: "0", HOST: "127.0.0.1", WECOM_API_BASE: "http://127.0.0.1:9" }), {
  log: pino({ level: process.env.BENCH_LOG ?? "silent" }),
  clock: createManualClock(new Date(NOW)),
  schedules: false,
});
try {
  const rt = service;
  const { roster, calendar: periods, keys } = rt;
  const sim = createWecomSimulator({ baseUrl: service.url!, token: TEST_TOKEN, encodingAESKey: TEST_AES_KEY, botName: rt.config.bot.name });
  const leader = fixture.leaders[0]!;

  const dayPeriods = periods.tasks.flatMap((task) => periods.at(task, toInstant(TODAY, "12:00", ZONE)) ?? []);
  const weekPeriods = periods.tasks.flatMap((task) => periods.list(task, MONDAY, TODAY));
  const seeded = weekPeriods.filter((p) => p.required);
  const seedStart = Date.now();
  let reports = 0;
  for (const period of seeded) reports += await seedPeriod(rt.store, roster.schools, period);
  const seedSeconds = (Date.now() - seedStart) / 1000;
  console.log(
    `${roster.schools.length} schools in ${fixture.areas.length} areas; seeded ${reports} reports over ${seeded.map((p) => `${p.task} ${p.id}`).join(", ")} ` +
      `in ${fmt(seedSeconds, 1)} s (${fmt(reports / seedSeconds, 0)}/s through the store, AOF fsync always); ${runs} runs after ${warmup} warm-up`,
  );

  // A 汇总 that fails (the web connection's 2 s command timeout) is answered 稍后再试: counted, not fatal.
  const failures: Record<string, number> = {};
  const ask = async (text: string) => {
    const reply = await sim.say({ from: leader, text });
    if (reply.status === 200 && reply.markdown?.includes("应报")) return reply.markdown;
    failures[text] = (failures[text] ?? 0) + 1;
    return `(failed: ${reply.status} ${reply.markdown ?? reply.raw})`;
  };
  const sample = { day: await ask("汇总"), week: await ask("汇总 本周") };

  const hgetallAll = (list: readonly TaskPeriod[]) => Promise.all(list.map((p) => rt.workerRedis.hgetall(keys.periodState(p.task, p.id))));
  const rawEverything = (list: readonly TaskPeriod[]) =>
    Promise.all(
      list.flatMap((p) => [
        rt.workerRedis.hgetall(keys.periodState(p.task, p.id)),
        rt.workerRedis.hgetall(keys.exemptions(p.task, p.id)),
        ...(p.task === "safety" ? [rt.workerRedis.hgetall(keys.periodAbnormal(p.task, p.id))] : []),
      ]),
    );
  const safetyToday = dayPeriods.find((p) => p.task === "safety")!;
  const studyWeek = dayPeriods.find((p) => p.task === "study")!;

  const measured: Record<string, Summary> = {};
  const measure = async (name: string, fn: () => Promise<unknown>) => {
    measured[name] = summarize(await timeRuns(fn, runs, warmup));
  };
  await measure("汇总 (day) via HTTP", () => ask("汇总"));
  await measure("baseline: HGETALL day's period hashes", () => hgetallAll(dayPeriods));
  await measure("context: all raw reads of 汇总 (day)", () => rawEverything(dayPeriods));
  await measure("汇总 本周 via HTTP", () => ask("汇总 本周"));
  await measure("baseline: HGETALL week's period hashes", () => hgetallAll(weekPeriods));
  await measure("context: all raw reads of 汇总 本周", () => rawEverything(weekPeriods));
  await measure("tally job: buildTally 平安日报 day", () => buildTally(rt.jobDeps, { task: "safety", period: safetyToday, now: new Date(NOW) }));
  await measure("baseline: HGETALL 平安日报 day hash", () => hgetallAll([safetyToday]));
  await measure("tally job: buildTally 周学习 week", () => buildTally(rt.jobDeps, { task: "study", period: studyWeek, now: new Date(NOW) }));
  await measure("baseline: HGETALL 周学习 week hash", () => hgetallAll([studyWeek]));

  // Where 汇总 spends its time, step by step, on the same stores, as the command does it (task after task).
  const sources = { roster, store: rt.store, exemptions: rt.exemptions };
  const stepNames = ["read + JSON.parse (loadPeriodInputs)", "computeTally", "formatSummary (format + fit 20 KB)"] as const;
  const steps: Record<string, number[]> = {};
  for (const [label, list] of [["day", dayPeriods], ["week", weekPeriods]] as const) {
    for (const step of stepNames) steps[`${label}: ${step}`] = [];
    for (let i = 0; i < warmup + runs; i += 1) {
      let read = 0;
      let compute = 0;
      const tallies = [];
      for (const task of periods.tasks) {
        const own = list.filter((p) => p.task === task);
        if (own.length === 0) continue;
        let t = performance.now();
        const inputs = await loadPeriodInputs(sources, own);
        read += performance.now() - t;
        t = performance.now();
        tallies.push(computeTally({ roster, periods: inputs, now: new Date(NOW) }));
        compute += performance.now() - t;
      }
      const t = performance.now();
      formatSummary({ label, now: new Date(NOW), tallies, config: rt.config });
      const format = performance.now() - t;
      if (i < warmup) continue;
      steps[`${label}: ${stepNames[0]}`]!.push(read);
      steps[`${label}: ${stepNames[1]}`]!.push(compute);
      steps[`${label}: ${stepNames[2]}`]!.push(format);
    }
  }

  console.log("\n## Timings (ms)");
  printTable(
    ["what", "median", "p95", "min", "max"],
    Object.entries(measured).map(([name, s]) => [name, fmt(s.median, 1), fmt(s.p95, 1), fmt(s.min, 1), fmt(s.max, 1)]),
  );
  console.log("\n## Where 汇总 spends its time, in-process (ms)");
  printTable(
    ["step", "median", "p95"],
    Object.entries(steps).map(([name, values]) => {
      const s = summarize(values);
      return [name, fmt(s.median, 1), fmt(s.p95, 1)];
    }),
  );

  for (const [text, count] of Object.entries(failures)) {
    console.log(`\n${text}: ${count} of ${runs + warmup + 1} answered 稍后再试 (a Redis command timed out after 2 s while the event loop was busy)`);
  }
  const m = (name: string) => measured[name]!.median;
  const rows: string[][] = [];
  for (const [what, baseline] of [
    ["汇总 (day) via HTTP", "baseline: HGETALL day's period hashes"],
    ["汇总 本周 via HTTP", "baseline: HGETALL week's period hashes"],
  ] as const) {
    const ratio = m(what) / m(baseline);
    rows.push([`${what}: median`, fmt(m(what), 1), "≤ 100 ms", verdict(m(what), { atMost: 100 })]);
    rows.push([`${what} / baseline (medians)`, fmt(ratio, 2), "≤ 3", verdict(ratio, { atMost: 3 })]);
  }
  for (const [what, baseline] of [
    ["tally job: buildTally 平安日报 day", "baseline: HGETALL 平安日报 day hash"],
    ["tally job: buildTally 周学习 week", "baseline: HGETALL 周学习 week hash"],
  ] as const) {
    rows.push([`${what} / baseline (medians)`, fmt(m(what) / m(baseline), 2), "(context)", ""]);
  }
  console.log("\n## Targets");
  printTable(["figure", "value", "target", "verdict"], rows);
  const bytes = (text: string) => Buffer.byteLength(text, "utf8");
  console.log(`\nreply sizes: 汇总 ${bytes(sample.day)} bytes, 汇总 本周 ${bytes(sample.week)} bytes (limit 20480); first lines of 汇总:`);
  console.log(sample.day.split("\n").slice(0, 8).map((line) => `  ${line}`).join("\n"));
} finally {
  await service.stop();
  rmSync(dir, { recursive: true, force: true });
}
