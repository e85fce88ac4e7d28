/**
 * Benchmark (issue 25): the ledger export of a month at 20,000 schools, and what it costs the
 * check-ins beside it.
 *
 *   npm run bench:export [-- --schools 20000 --rate 200 --quiet 15]
 *
 * Fictional schools in 40 areas, the whole service (startSystem, embedded redis-server with AOF
 * fsync always), November 2026 seeded through the report store (every 平安日报 day and 周学习
 * week; 3% missing, 5% late). The export is what the 导出 link runs: the workbook written by a
 * process of its own (runLedgerExport), which reports its peak RSS. It runs twice: alone (the
 * baseline), then while principals check in at `--rate` a second from a load generator in its
 * own process (pre-encrypted callbacks, Poisson arrivals, each timed from when it was due), whose
 * run lasts as long as the first export took; a quiet run of `--quiet` seconds before it is the
 * check-ins' baseline. Before them, the same month's export of the roster's first 1,000 and 5,000
 * schools, alone: a line each (and one for the whole roster's) with its peak RSS beside the
 * smallest's, which should not grow with the schools:
 *   export-scale: schools=N seconds= peak_rss_mb= ratio_to_1000=
 * Ends with one line:
 *   export: schools=N rows= seconds= seconds_alone= peak_rss_mb= service_rss_mb= checkin_p99_quiet= checkin_p99_during_export=
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import pino from "pino";
import { createManualClock } from "../src/clock/clock.js";
import { readSettings } from "../src/main/settings.js";
import { startSystem } from "../src/main/system.js";
import { runLedgerExport } from "../src/main/run-ledger-export.js";
import { planLedger } from "../src/features/ledger/build-ledger.js";
import { SINCE_EVER } from "../src/store/roster-days.js";
import { seedPeriod } from "./support/seed-reports.js";
import type { LoadResult, LoadRun } from "./support/callback-load.js";
import { principalsPlan } from "./support/principals-plan.js";
import { spawnChild } from "./support/spawn-child.js";
import { describeMachine, fmt, printTable, readRssMiB, verdict } from "./support/stats.js";
import { writeBenchFixture } from "./support/write-fixture.js";

const { values: args } = parseArgs({
  options: {
    schools: { type: "string", default: process.env.BENCH_EXPORT_SCHOOLS ?? "20000" },
    areas: { type: "string", default: "40" },
    rate: { type: "string", default: "200" },
    quiet: { type: "string", default: "15" },
  },
});
const schools = Number(args.schools);
const rate = Number(args.rate);
const quietSeconds = Number(args.quiet);

const NOW = "2026-11-30T20:00:00+08:00";
const FROM = "2026-11-01";
const TO = "2026-11-30";
const WARMUP = 3;
/** Smaller exports of the same month (the roster's first schools), run alone before the full one: the peak RSS's ratio to the smallest's. */
const SCALE = [1000, 5000];

type LoadMessage = { type: "ready"; pool: number; generateMs: number } | { type: "start"; name: string } | { type: "done"; name: string; result: LoadResult };

console.log(`# bench:export — ${describeMachine()}`);
const dir = mkdtempSync(join(tmpdir(), "pingan-bench-export-"));
const fixture = writeBenchFixture({ dir, schools, areas: Number(args.areas), leaders: 1 });
const clock = createManualClock(new Date(NOW));
const start = () =>
  startSystem(
    readSettings({ ...fixture.env, PINGAN_CONFIG: fixture.configPath, PINGAN_DATA_DIR: join(dir, "data"), PORT: "0", HOST: "127.0.0.1", WECOM_API_BASE: "http://127.0.0.1:9" }),
    { log: pino({ level: process.env.BENCH_LOG ?? "silent" }), clock, schedules: false },
  );
// As a service that has run since long before the month: started once to make its data, told so, started again.
const first = await start();
await first.recounted();
await first.redis.set(first.keys.liveSince(), SINCE_EVER);
await first.stop();
const service = await start();
try {
  await service.recounted();
  const { calendar, roster, store } = service;
  const plan = planLedger({ calendar, kinds: service.config, from: FROM, to: TO, timeZone: service.config.timezone, now: clock.now() });
  const seedStart = Date.now();
  let seeded = 0;
  for (const task of plan.tasks) for (const period of task.periods.filter((p) => p.required)) seeded += await seedPeriod(store, roster.schools, period);
  await service.workerRedis.bgrewriteaof().catch(() => {});
  while (/aof_rewrite_in_progress:1|aof_rewrite_scheduled:1/.test(await service.workerRedis.info("persistence"))) await new Promise((wake) => setTimeout(wake, 100));
  console.log(
    `${roster.schools.length} schools in ${fixture.areas.length} areas; ${FROM} to ${TO}: ${plan.tasks.map((t) => `${t.taskName} ${t.periods.length} periods`).join(", ")}; ` +
      `${seeded} reports seeded in ${fmt((Date.now() - seedStart) / 1000, 1)} s; AOF rewritten`,
  );

  const exportOnce = async (schools = roster.schools) => {
    const started = performance.now();
    const file = await runLedgerExport({ redisUrl: service.redisUrl, schools, people: service.config, plan });
    const seconds = (performance.now() - started) / 1000;
    await file.remove();
    return { seconds, bytes: file.bytes, peakMiB: file.maxRssKiB / 1024 };
  };
  const rows = plan.tasks.reduce((sum, task) => sum + task.periods.filter((p) => p.required).length * roster.schools.length, 0);
  // The same month of the roster's first schools, as a smaller node's export is: peak RSS must not grow with the schools.
  const scale = [];
  for (const size of SCALE.filter((n) => n < roster.schools.length)) scale.push({ size, ...(await exportOnce(roster.schools.slice(0, size))) });
  const alone = await exportOnce();
  scale.push({ size: roster.schools.length, ...alone });
  console.log(`export alone: ${fmt(alone.seconds, 1)} s, ${fmt(alone.bytes / 1048576, 1)} MiB workbook, exporting process peak RSS ${fmt(alone.peakMiB, 0)} MiB`);
  const smallest = scale[0]!;
  for (const run of scale) {
    console.log(`export-scale: schools=${run.size} seconds=${fmt(run.seconds, 1)} peak_rss_mb=${fmt(run.peakMiB, 0)} ratio_to_${smallest.size}=${fmt(run.peakMiB / smallest.peakMiB, 2)}`);
  }

  const duration = Math.max(5, Math.ceil(alone.seconds));
  const runs: LoadRun[] = [
    { name: "warmup", mode: "poisson", connections: 64, duration: WARMUP, overallRate: rate },
    { name: "quiet", mode: "poisson", connections: 64, duration: quietSeconds, overallRate: rate },
    { name: "export", mode: "poisson", connections: 64, duration, overallRate: rate },
  ];
  const load = spawnChild<LoadMessage>("callback-load", { stdout: true });
  const loadPlan = principalsPlan({ url: service.url!, botName: service.config.bot.name, schools: fixture.schools, rate, runs });
  load.send(loadPlan);
  await load.next((m): m is Extract<LoadMessage, { type: "ready" }> => m.type === "ready");
  const results: Record<string, LoadResult> = {};
  let during: Awaited<ReturnType<typeof exportOnce>> | undefined;
  let serviceRss = 0;
  for (const run of runs) {
    await load.next((m): m is Extract<LoadMessage, { type: "start" }> => m.type === "start" && m.name === run.name);
    const exporting = run.name === "export" ? exportOnce() : undefined;
    const sampling = setInterval(() => (serviceRss = Math.max(serviceRss, readRssMiB(process.pid) ?? 0)), 250);
    const done = await load.next((m): m is Extract<LoadMessage, { type: "done" }> => m.type === "done" && m.name === run.name, (run.duration + 300) * 1000);
    during = (await exporting) ?? during;
    clearInterval(sampling);
    results[run.name] = done.result;
  }
  await load.exited;

  const quiet = results.quiet!;
  const busy = results.export!;
  const ratio = busy.p99 / quiet.p99;
  printTable(
    ["what", "value", "target", "verdict"],
    [
      [`export of ${rows} required school-periods: alone / under check-ins (s)`, `${fmt(alone.seconds, 1)} / ${fmt(during!.seconds, 1)}`, "", ""],
      ["exporting process peak RSS: alone / under check-ins (MiB)", `${fmt(alone.peakMiB, 0)} / ${fmt(during!.peakMiB, 0)}`, "bounded", ""],
      ["service process (this one, with the bench) peak RSS during the runs (MiB)", fmt(serviceRss, 0), "", ""],
      [`check-ins quiet: ${quiet.ok2xx} ok, ${quiet.non2xx + quiet.errors} failed; p50 / p99 (ms)`, `${fmt(quiet.p50, 1)} / ${fmt(quiet.p99, 1)}`, "", ""],
      [`check-ins during export: ${busy.ok2xx} ok, ${busy.non2xx + busy.errors} failed; p50 / p99 (ms)`, `${fmt(busy.p50, 1)} / ${fmt(busy.p99, 1)}`, "", ""],
      ["check-in p99 during export / quiet", fmt(ratio, 2), "≤ 1.5", verdict(ratio, { atMost: 1.5 })],
    ],
  );
  console.log(
    `export: schools=${roster.schools.length} rows=${rows} seconds=${fmt(during!.seconds, 1)} seconds_alone=${fmt(alone.seconds, 1)} peak_rss_mb=${fmt(Math.max(alone.peakMiB, during!.peakMiB), 0)} ` +
      `service_rss_mb=${fmt(serviceRss, 0)} checkin_p99_quiet=${fmt(quiet.p99, 1)} checkin_p99_during_export=${fmt(busy.p99, 1)}`,
  );
} finally {
  await service.stop();
  rmSync(dir, { recursive: true, force: true });
}
