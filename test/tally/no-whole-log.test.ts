import { afterAll, beforeAll, expect, it } from "vitest";
import { runWeeklyRollup } from "../../jobs/weekly-rollup.js";
import { runLateNote } from "../../jobs/late-note.js";
import { createJobLedger } from "../../src/store/job-ledger.js";
import { createKeys } from "../../src/store/keys.js";
import type { JobDeps } from "../../jobs/job-deps.js";
import { loadBoard } from "../../src/features/board/load-board.js";
import type { Push } from "../../src/message/push.js";
import type { ReportStore } from "../../src/store/reports.js";
import { makeReport, normal, startLeaderDeps } from "../features/leaders/fixtures.js";

/*
 * Issue 25: no read of everything on a hot path. The board and the weekly roll-up tally from the
 * counts and read beside them only the reports they show, the 补报 note only what was logged
 * after each tally, so a store whose whole-period reads
 * (list: every report through the log; log; abnormal: every school's last abnormal) refuse
 * still serves them, and they say what they said when they read everything.
 */
const WHOLE_PERIOD_READS = ["list", "log", "abnormal"] as const;

let ctx: Awaited<ReturnType<typeof startLeaderDeps>>;
beforeAll(async () => {
  ctx = await startLeaderDeps();
  await ctx.seed(["XB004", "DB001"]);
});
afterAll(() => ctx.redis.stop());

function refusingWholeReads(store: ReportStore): ReportStore {
  return new Proxy(store, {
    get(target, name, receiver) {
      if ((WHOLE_PERIOD_READS as readonly PropertyKey[]).includes(name)) throw new Error(`read every report of a period: store.${String(name)}`);
      return Reflect.get(target, name, receiver);
    },
  });
}

it("draws the board from the counts and the reports it shows, never a period's every report", async () => {
  const { deps, periods } = ctx;
  const board = await loadBoard({ ...deps, store: refusingWholeReads(deps.store), calendar: periods, timeZone: deps.config.timezone, now: new Date("2026-11-24T10:35:00+08:00") });
  const safety = board.tasks.find((task) => task.tally.task === "safety")!;
  expect(safety.tally.missing).toBe(2);
  expect(board.abnormal.map((entry) => entry.entry.school.code)).toEqual(["CG001"]);
  const rows = safety.areas.flatMap((area) => area.schools);
  expect(rows.filter((row) => row.state === "missing").map((row) => row.school.code).sort()).toEqual(["DB001", "XB004"]);
  expect(rows.find((row) => row.school.code === "CG002")?.state).toBe("late");
  expect(rows.find((row) => row.school.code === "CG001")?.report?.value).toMatchObject({ status: "abnormal" });
});

it("rolls up the week from the counts (and the reports of a task whose school lines show their figures), never a period's every report", async () => {
  const { deps, periods } = ctx;
  const shown: Push[] = [];
  // Which tasks' reports the roll-up reads by school: a daily task's lines come from the counts' bitmap.
  const readOf = new Set<string>();
  const counting: ReportStore = { ...deps.store, current: (task, period, schools) => (readOf.add(task), deps.store.current(task, period, schools)) };
  const jobDeps = { ...deps, store: refusingWholeReads(counting), calendar: periods } as unknown as JobDeps;
  const outcome = await runWeeklyRollup(jobDeps, new Date("2026-11-27T19:00:00+08:00"), { dryRun: true, show: (push) => shown.push(push) });
  expect(outcome.pushed).toEqual(["weekly:2026-W48"]);
  const text = shown[0]!.message.lines.map((line) => line.text).join("\n");
  // Seeded on Tuesday only: in the schools' lines, one that reported has 1 of the week's days, one that did not 0.
  const line = (code: string) => text.split("\n").filter((l) => l.startsWith(`- ${ctx.roster.byCode(code)!.shortName}：`)).at(-1);
  expect(line("XB004")).toMatch(/平安 0\/\d 天/u);
  expect(line("CG002")).toMatch(/平安 1\/\d 天/u);
  expect(readOf.has("safety")).toBe(false);
});

it("finds the 补报 note's reports among what was logged after the tally, never a period's every report", async () => {
  const { deps, periods, client, tuesday } = ctx;
  const jobs = createJobLedger({ redis: client, keys: createKeys() });
  await jobs.markTallyPosted("safety", tuesday.id, new Date("2026-11-24T10:35:00+08:00"));
  const late = ctx.roster.byCode("XB004")!;
  await deps.store.put(makeReport(tuesday, late.code, normal, { late: true, by: late.reporters[0]!, at: "2026-11-24T03:05:00.000Z" }));
  const shown: Push[] = [];
  const jobDeps = { ...deps, store: refusingWholeReads(deps.store), calendar: periods, jobs } as unknown as JobDeps;
  const outcome = await runLateNote(jobDeps, new Date("2026-11-24T17:00:00+08:00"), { dryRun: true, show: (push) => shown.push(push) });
  expect(outcome.pushed).toEqual(["late-note:2026-11-24"]);
  const lines = shown[0]!.message.lines.map((line) => line.text);
  // The intro and one line: the school that reported after the tally, not the 26 before it.
  expect(lines).toHaveLength(2);
  expect(lines[1]).toContain(`${late.shortName}（${late.area}）`);
});
