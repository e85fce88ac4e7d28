import { beforeAll, describe, expect, it } from "vitest";
import type { Roster, School } from "../../src/config/roster.js";
import { areaKey } from "../../src/config/roster-tree.js";
import type { Exemption } from "../../src/store/exemptions.js";
import type { PeriodAggregate } from "../../src/store/period-aggregate.js";
import { zeroCounts, type ReportCounts } from "../../src/store/report.js";
import { tallyFromCounts, type CountedPeriod } from "../../src/tally/load-tally.js";
import type { TaskCalendar, TaskPeriod } from "../../src/time/task-calendar.js";
import { loadExample, makeExemption } from "../features/leaders/fixtures.js";

let roster: Roster;
let periods: TaskCalendar;
beforeAll(async () => {
  ({ roster, periods } = await loadExample());
});

/** A fixed pseudo-random sequence in [0, 1). */
function randomFrom(seed: number): () => number {
  let h = seed >>> 0;
  return () => {
    h = Math.imul(h ^ (h >>> 15), 2246822507) + 0x9e3779b9;
    return ((h >>> 0) % 1_000_000) / 1_000_000;
  };
}

/** A period's counts as the record script keeps them, from which schools reported, each school numbered by `numberOf` (-1: none). */
function counted(period: TaskPeriod, schools: readonly School[], numberOf: ReadonlyMap<string, number>, reported: ReadonlySet<string>, exemptions: ReadonlyMap<string, Exemption>): CountedPeriod {
  const bits = Buffer.alloc(Math.ceil((Math.max(0, ...numberOf.values()) + 1) / 8));
  const byArea = new Map<string, ReportCounts>();
  for (const school of schools) {
    if (!reported.has(school.code)) continue;
    const number = numberOf.get(school.code)!;
    if (number >= 0) bits[number >> 3] = bits[number >> 3]! | (0x80 >> (number & 7));
    const counts = byArea.get(areaKey(school)) ?? zeroCounts();
    counts.reported += 1;
    byArea.set(areaKey(school), counts);
  }
  const lists = new Map<readonly School[], Int32Array>();
  const aggregate: PeriodAggregate = {
    byArea,
    isReportedAt: (number) => number >= 0 && (bits[number >> 3] ?? 0) & (0x80 >> (number & 7)) ? true : false,
    reportedByte: (byte) => bits[byte] ?? 0,
    numbersOf: (list) => lists.get(list) ?? lists.set(list, Int32Array.from(list, (s) => numberOf.get(s.code)!)).get(list)!,
    abnormal: [],
    onBehalf: [],
    remarked: [],
    resolved: [],
    counted: new Map(),
  };
  return { period, aggregate, exemptions };
}

describe("naming the missing schools", () => {
  it("names, in roster order, the first schools of each area that missed a period, whatever their numbers' order, gaps or none", () => {
    const days = ["2026-11-23", "2026-11-24", "2026-11-25"].map((day) => periods.at("safety", new Date(`${day}T12:00:00+08:00`))!);
    const { schools } = roster;
    for (let seed = 1; seed <= 300; seed += 1) {
      const random = randomFrom(seed);
      // Numbers in roster order from a random start, some swapped, skipped or missing (-1).
      let next = Math.floor(random() * 20);
      const numbers = schools.map(() => (random() < 0.05 ? -1 : (next += random() < 0.2 ? 2 : 1)));
      for (let i = 0; i < numbers.length; i += 1) {
        const j = Math.floor(random() * numbers.length);
        if (random() < 0.1) [numbers[i], numbers[j]] = [numbers[j]!, numbers[i]!];
      }
      const numberOf = new Map(schools.map((school, i) => [school.code, numbers[i]!]));
      const shares = [0.98, 0.8, 0.3][seed % 3]!;
      const week = days.slice(0, 1 + (seed % days.length)).map((period) => {
        // The exempt have no report here: the tally takes an exempt school's report back out by what it counted (not read here).
        const exemptions = new Map(schools.filter(() => random() < 0.05).map((s) => [s.code, makeExemption(period, s.code)] as const));
        const reported = new Set(schools.filter((s) => numberOf.get(s.code)! >= 0 && !exemptions.has(s.code) && random() < shares).map((s) => s.code));
        return { period, reported, exemptions };
      });
      const perArea = [1, 2, Number.POSITIVE_INFINITY][seed % 3]!;
      const tally = tallyFromCounts({ roster, periods: week.map((p) => counted(p.period, schools, numberOf, p.reported, p.exemptions)), list: { perArea } });

      // Every school walked in roster order: missed a period where it has no report and no exemption.
      const expected = new Map<string, { code: string; count: number }[]>();
      for (const school of schools) {
        const count = week.filter((p) => !p.reported.has(school.code) && !p.exemptions.has(school.code)).length;
        if (count === 0) continue;
        const area = expected.get(areaKey(school)) ?? [];
        expected.set(areaKey(school), [...area, { code: school.code, count }]);
      }
      expect(tally.missingByArea.map((g) => [g.key, g.entries.map((e) => ({ code: e.school.code, count: e.count }))])).toEqual(
        [...expected].map(([key, entries]) => [key, entries.slice(0, perArea)]),
      );
    }
  });
});
