import fc from "fast-check";
import { pino } from "pino";
import { afterAll, beforeAll, expect, it } from "vitest";
import { createRoster, type School } from "../../src/config/roster.js";
import type { RosterNode } from "../../src/config/roster-tree.js";
import { rowNodes, loadCountedPeriods, loadTally, tallyFromCounts } from "../../src/tally/load-tally.js";
import type { TaskTally } from "../../src/tally/task-tally.js";
import { computeTally, loadPeriodInputs } from "../support/compute-tally.js";
import { recountAfterRosterChange } from "../../src/ops/recount-after-roster-change.js";
import { createExemptionStore } from "../../src/store/exemptions.js";
import { createKeys } from "../../src/store/keys.js";
import type { ReportValue } from "../../src/store/report.js";
import { recountAggregate } from "../../src/store/recount-aggregate.js";
import { createReportStore } from "../../src/store/reports.js";
import { loadSchoolPlaces } from "../../src/store/school-numbers.js";
import type { TaskPeriod } from "../../src/time/task-calendar.js";
import { addDays } from "../../src/time/local-time.js";
import { loadExample, makeReport } from "../features/leaders/fixtures.js";
import { startTestRedis, type TestRedis } from "../support/redis.js";

let redis: TestRedis;
beforeAll(async () => {
  redis = await startTestRedis();
});
afterAll(() => redis.stop());

/**
 * What can happen to a school's standing in a period, in any order; and the roster changing
 * under it (a school moved to another area, added, removed), each followed by a restart. A
 * school added after the period was due owes nothing in it (tally/task-tally.ts whyNotOwed).
 */
type Step =
  | { kind: "report"; school: number; value: "normal" | "abnormal" | "figures" | "remark"; late: boolean; onBehalf: boolean; figure: number }
  | { kind: "repeat" }
  | { kind: "withdraw"; school: number }
  | { kind: "exempt"; school: number; reason: boolean }
  | { kind: "revoke"; school: number }
  | { kind: "move"; school: number; area: number }
  | { kind: "relocate"; school: number; county: number }
  | { kind: "add"; school: number; late: boolean }
  | { kind: "remove"; school: number };

const SCHOOLS = 9;
/** A school of the roster in force (taken modulo its size) or, for `add`, of those not on it. */
const school = fc.integer({ min: 0, max: 30 });
/** The example's four areas and one no roster had before. */
const AREAS = ["城关片区", "东部片区", "西部片区", "北部片区", "新区"];
/** The tree above the areas: one province, two cities, three counties (each with the same 片区 names: apart by path). */
const PROVINCE = "平安省";
const COUNTIES = [
  { city: "甲市", county: "一县" },
  { city: "甲市", county: "二县" },
  { city: "乙市", county: "三县" },
];
const placed = (school: School, county: number): School => ({ ...school, province: PROVINCE, ...COUNTIES[county]! });
const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ kind: fc.constant("report" as const), school, value: fc.constantFrom("normal" as const, "abnormal" as const, "figures" as const, "remark" as const), late: fc.boolean(), onBehalf: fc.boolean(), figure: fc.integer({ min: 0, max: 60 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("repeat" as const) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("withdraw" as const), school }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("exempt" as const), school, reason: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("revoke" as const), school }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("move" as const), school, area: fc.integer({ min: 0, max: AREAS.length - 1 }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("relocate" as const), school, county: fc.integer({ min: 0, max: COUNTIES.length - 1 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("add" as const), school, late: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("remove" as const), school }) },
);

function valueOf(period: TaskPeriod, s: Extract<Step, { kind: "report" }>): ReportValue {
  if (period.task === "study") return { task: "study", attended: s.figure, expected: 60 };
  // 晨午检: counts and named counts, some of them 0, and a status-less kind.
  if (period.task === "checkup") return { task: "fields", expected: 60, present: 60 - (s.figure % 7), sick: s.figure % 3, symptoms: { 发热: s.figure % 4, 咳嗽: s.value === "abnormal" ? 3 : 0 } };
  if (s.value === "abnormal") return { task: "safety", status: "abnormal", description: `第${s.figure}号情况` };
  return { task: "safety", status: "normal", ...(s.value === "figures" && { present: s.figure }), ...(s.value === "remark" && { remark: `停水${s.figure}小时` }) };
}

/** What a node's summary counts (its rows' too), beside the lists a node's summary leaves to its children's leaders. */
const figures = (t: TaskTally) => ({
  expected: t.expected,
  reported: t.reported,
  onTime: t.onTime,
  late: t.late,
  onBehalf: t.onBehalf,
  missing: t.missing,
  exempt: t.exempt,
  notRequired: t.notRequired,
  notLive: t.notLive,
  abnormalTotal: t.abnormalTotal,
  remarkTotal: t.remarkTotal,
  rates: t.rates,
  sums: t.sums,
});

it("the counts kept by the record script tally exactly as a full recount, after every step of any sequence, the roster changing under them", async () => {
  const example = await loadExample();
  const client = redis.client();
  const log = pino({ level: "silent" });
  // Three areas of the example roster, a few schools each, in three counties of two cities; a
  // safety day, a study week and a 晨午检 day (a declared kind's sums).
  const initial: School[] = example.roster.schools
    .filter((_, i) => i % 3 === 0)
    .slice(0, SCHOOLS)
    .map((school, i) => placed(school, i % COUNTIES.length));
  const safety = example.periods.at("safety", new Date("2026-11-24T09:00:00+08:00"))!;
  const study = example.periods.at("study", new Date("2026-11-24T09:00:00+08:00"))!;
  const checkup: TaskPeriod = { ...safety, task: "checkup", taskName: "晨午检" };
  let run = 0;
  await fc.assert(
    fc.asyncProperty(fc.constantFrom(safety, study, checkup), fc.array(step, { minLength: 1, maxLength: 30 }), async (period, steps) => {
      run += 1;
      const keys = createKeys(`prop${run}`);
      // Numbers given to schools an earlier roster had: this roster's start past the bitmap's first
      // bytes, as a county's do in a province, so a node's read of its bytes is put to the test.
      await client.hset(keys.schoolNumbers(), Object.fromEntries(Array.from({ length: 13 + (run % 8) }, (_, i) => [`gone${i}`, i])));
      // The service as started on a roster: its places, its store, and the recount a changed roster gets at start.
      const start = async (schools: readonly School[]) => {
        const places = await loadSchoolPlaces(client, keys, schools);
        const store = createReportStore({ redis: client, keys, places });
        const calendar = { tasks: [period.task], list: () => [period] };
        await recountAfterRosterChange({ redis: client, keys, places, reports: store, calendar, schools, today: period.start, log });
        return { roster: createRoster(schools), config: example.config, places, store, exemptions: createExemptionStore({ redis: client, keys }) };
      };
      let sources = await start(initial);
      let clock = Date.parse("2026-11-24T00:00:00Z");
      let last: ReturnType<typeof makeReport> | undefined;
      for (const [i, s] of steps.entries()) {
        clock += 60_000;
        const at = new Date(clock).toISOString();
        const msgid = `m${i}`;
        const schools = sources.roster.schools;
        const target = "school" in s && schools.length > 0 ? schools[s.school % schools.length]! : undefined;
        const code = target?.code ?? "";
        const request = { school: code, task: period.task, start: period.start, end: period.end, periods: [period.id], by: "liu_xin", at, msgid, raw: "免报" };
        if (s.kind === "move") {
          if (target) sources = await start(schools.map((x) => (x === target ? { ...x, area: AREAS[s.area]! } : x)));
        } else if (s.kind === "relocate") {
          // To another county, maybe of another city: its counts leave every node above it.
          if (target) sources = await start(schools.map((x) => (x === target ? placed(x, s.county) : x)));
        } else if (s.kind === "add") {
          // Added after the period was due (a week's deadline past), it owes nothing for it; its report, if any, counts nowhere.
          const absent = example.roster.schools.filter((x) => !schools.some((y) => y.code === x.code));
          const added = placed(absent[s.school % absent.length]!, s.school % COUNTIES.length);
          sources = await start([...schools, s.late ? { ...added, joined: addDays(period.due, 1) } : added]);
        } else if (s.kind === "remove") {
          if (target) sources = await start(schools.filter((x) => x !== target));
        } else if (s.kind === "repeat") {
          // WeCom repeats the last message: recorded once.
          if (last) await sources.store.put(last);
        } else if (!target) {
          continue;
        } else if (s.kind === "report") {
          last = makeReport(period, code, valueOf(period, s), { at, late: s.late, onBehalf: s.onBehalf, msgid });
          await sources.store.put(last);
        } else if (s.kind === "withdraw") {
          await sources.store.withdraw({ task: period.task, period: period.id, school: code, by: "x", at, msgid, raw: "撤销" });
        } else if (s.kind === "exempt") {
          await sources.exemptions.exempt({ ...request, ...(s.reason && { reason: "停水" }) });
        } else {
          await sources.exemptions.revoke(request);
        }
        const { roster } = sources;
        // What the record script keeps is what a recount of the reports in force writes (verify-aggregates finds nothing).
        expect((await recountAggregate({ redis: client, keys, places: sources.places, reports: sources.store }, period.task, period.id)).differences).toEqual([]);
        const now = new Date(clock);
        const recount = computeTally({ roster, periods: await loadPeriodInputs(sources, [period]), now });
        const counted = tallyFromCounts({ roster, periods: await loadCountedPeriods(sources, [period]), now });
        expect(counted).toEqual(recount);
        // Named as a province's 汇总 names them: the first school of each area, the first 代报, abnormal report and remark, the rest counted.
        const list = { perArea: 1, onBehalf: 1, abnormal: 1, remarked: 1 };
        const short = tallyFromCounts({ roster, periods: await loadCountedPeriods(sources, [period], list), now, list });
        expect(short.missingByArea.map((g) => [g.area, g.entries[0]?.school.code, g.total ?? g.entries.length])).toEqual(
          recount.missingByArea.map((g) => [g.area, g.entries[0]?.school.code, g.entries.length]),
        );
        expect(short.onBehalfReports).toEqual(recount.onBehalfReports.slice(0, 1));
        expect(short.onBehalf).toBe(recount.onBehalf);
        expect(short.abnormal).toEqual(recount.abnormal.slice(0, 1));
        expect(short.abnormalTotal).toBe(recount.abnormalTotal);
        expect(short.remarks).toEqual(recount.remarks.slice(0, 1));
        expect(short.remarkTotal).toBe(recount.remarkTotal);
        // Each node above the areas, as its leader's 汇总 reads it (its rows' own totals, never its
        // areas'), and each of its rows: as a full recount of the node's schools.
        const nodes: RosterNode[] = [];
        const walk = (node: RosterNode) => {
          if (node.level === "area") return;
          nodes.push(node);
          node.children.forEach(walk);
        };
        walk(roster.root);
        for (const node of nodes) {
          const part = roster.within(node);
          const summary = await loadTally({ ...sources, roster: part }, [period], now);
          const whole = computeTally({ roster: part, periods: await loadPeriodInputs(sources, [period]), now });
          expect([node.path, figures(summary)]).toEqual([node.path, figures(whole)]);
          // By area, every school and report named: the node's bytes of the bitmap and its codes of the lists, read once.
          const named = tallyFromCounts({ roster: part, periods: await loadCountedPeriods({ ...sources, roster: part }, [period]), now });
          expect([node.path, named]).toEqual([node.path, whole]);
          const children = rowNodes(node);
          expect((summary.rows ?? []).map((row) => row.name)).toEqual(children.map((child) => child.name));
          for (const [i, row] of (summary.rows ?? []).entries()) {
            const oracle = computeTally({ roster: roster.within(children[i]!), periods: await loadPeriodInputs(sources, [period]), now });
            expect([node.path, row.name, figures(row.tally)]).toEqual([node.path, row.name, figures(oracle)]);
          }
        }
      }
    }),
    { numRuns: 60 },
  );
}, 240_000);
