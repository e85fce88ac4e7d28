import type { Roster, School } from "../config/roster.js";
import type { Exemption } from "../store/exemptions.js";
import type { PeriodAggregate } from "../store/period-aggregate.js";
import { type TaskPeriod, listNotAssigned, listNotJoined, whyNotOwed, whyNotRequired } from "../time/task-calendar.js";
import { addReportCounts, addSums, nonZeroSums, bumpSchool, countNotOwed, emptyTally, finishTally, isOpenAt, type AreaGroup, type SchoolCount, type TaskTally } from "./task-tally.js";
import type { ListOptions } from "./listing.js";
import { indexRoster, type RosterIndex } from "./index-roster.js";
import { areaKey, nodeKey, type RosterNode } from "../config/roster-tree.js";

/** One period of a task with its counts (store.aggregate) and its exemptions. */
export interface CountedPeriod {
  period: TaskPeriod;
  aggregate: PeriodAggregate;
  exemptions: ReadonlyMap<string, Exemption>;
}

/**
 * Tallies one task over its periods from the periods' counts: the one tally engine (the
 * property test holds it equal to a recount over every report, test/support/compute-tally.ts), at a cost that grows with the areas
 * and the schools named, not with the roster. Exempt schools' reports, counted by the record
 * script, are taken back out here: exemptions are few and can change after the reports; so are
 * those of schools that joined the roster after the period was due (few too: RosterIndex.joinedLate).
 */
export function tallyFromCounts(args: {
  roster: Pick<Roster, "schools">;
  periods: readonly CountedPeriod[];
  now?: Date;
  list?: ListOptions;
  /**
   * Counted by these nodes (their nodeKey counts, node-rows.ts) instead of by area: the rows of a
   * city's or a province's summary, which names no missing school (missingByArea stays empty).
   */
  units?: readonly RosterNode[];
}): TaskTally {
  const { roster, periods, now, units } = args;
  const list = args.list ?? { perArea: Number.POSITIVE_INFINITY };
  const first = periods[0];
  if (!first) throw new Error("tallyFromCounts needs at least one period");
  const index = indexRoster(roster.schools);
  // The keys the counts are read under, each with its schools; a school's and a counted area's own.
  const parts: ReadonlyMap<string, readonly School[]> = units ? new Map(units.map((node) => [nodeKey(node), node.schools])) : index.areas;
  const partOf = (area: string) => (units ? ([...parts.keys()].find((key) => area.startsWith(key)) ?? area) : area);
  const sumsByPart = new Map<string, Record<string, number>>();
  const tally = emptyTally(first.period.task, periods.map((p) => p.period));
  const exempt = new Map<School, SchoolCount>();
  const drowning = { reached: 0, total: 0 };
  const study = { attended: 0, expected: 0 };
  const missingByArea = new Map<string, number>();

  for (const { period, aggregate, exemptions } of periods) {
    // Abnormal reports are shown whatever the school's standing: the leaders must see them.
    for (const report of aggregate.abnormal) {
      const school = index.byCode.get(report.school);
      if (school) tally.abnormal.push({ school, report });
    }
    // Remarks, too, are shown whatever the school's standing.
    for (const report of aggregate.remarked) {
      const school = index.byCode.get(report.school);
      if (school) tally.remarks.push({ school, report });
    }
    for (const [area, counts] of aggregate.byArea) {
      if (!parts.has(area)) continue;
      tally.abnormalTotal += counts.abnormal;
      tally.remarkTotal += counts.remarked;
    }
    for (const { abnormal, report } of aggregate.resolved) {
      const school = index.byCode.get(report.school);
      if (school) tally.resolved.push({ school, abnormal, report });
    }
    if (!period.required) {
      countNotOwed(tally, whyNotRequired(period)!, roster.schools.length - listNotAssigned(roster.schools, period).length);
      continue;
    }
    if (isOpenAt(period, now)) tally.open = true;
    const settled = new Map<string, number>();
    const settle = (area: string, n: number) => settled.set(area, (settled.get(area) ?? 0) + n);
    const sumUp = (part: string, sums: Readonly<Record<string, number>>, sign: number) => {
      if (Object.keys(sums).length === 0) return;
      if (!sumsByPart.has(part)) sumsByPart.set(part, {});
      addSums(sumsByPart.get(part)!, sums, sign);
    };
    for (const [area, counts] of aggregate.byArea) {
      if (!parts.has(area)) continue;
      addReportCounts(tally, drowning, study, counts);
      settle(area, counts.reported);
      sumUp(area, counts.sums, 1);
    }
    // Schools that owe nothing (not on the roster yet) or are exempt: what their reports added is taken back out.
    const uncount = (school: School) => {
      settle(partOf(areaKey(school)), 1);
      const counted = aggregate.counted.get(school.code);
      const part = counted && partOf(counted.area);
      if (counted && part !== undefined && parts.has(part)) {
        addReportCounts(tally, drowning, study, counted.counts, -1);
        settle(part, -counted.counts.reported);
        sumUp(part, counted.counts.sums, -1);
      }
    };
    const notJoined = listNotJoined(index.joinedLate, period);
    for (const school of notJoined) {
      countNotOwed(tally, "not_joined", 1);
      uncount(school);
    }
    // Schools the task leaves out are no part of it: neither expected nor counted as owing nothing.
    const notAssigned = listNotAssigned(roster.schools, period);
    for (const school of notAssigned) uncount(school);
    const notOwed = new Set([...notJoined, ...notAssigned].map((school) => school.code));
    for (const [code, exemption] of exemptions) {
      const school = index.byCode.get(code);
      if (!school || notOwed.has(code)) continue;
      tally.exempt += 1;
      bumpSchool(exempt, school, exemption.reason);
      uncount(school);
    }
    for (const report of aggregate.onBehalf) {
      const school = index.byCode.get(report.school);
      if (school && !exemptions.has(report.school) && !notOwed.has(report.school)) tally.onBehalfReports.push({ school, report });
    }
    for (const [area, schools] of parts) {
      const missing = schools.length - (settled.get(area) ?? 0);
      tally.missing += missing;
      tally.expected += schools.length;
      if (missing > 0) missingByArea.set(area, (missingByArea.get(area) ?? 0) + missing);
    }
    tally.expected -= notJoined.length + notAssigned.length;
  }
  tally.expected -= tally.exempt;
  tally.missingByArea = units ? [] : nameMissing(index, periods, missingByArea, list);
  const sumsByArea = units
    ? []
    : [...index.areas.keys()].flatMap((key) => {
        const sums = nonZeroSums(sumsByPart.get(key));
        return sums ? [{ key, sums }] : [];
      });
  if (sumsByArea.length > 0) tally.sumsByArea = sumsByArea;
  tally.exemptByArea = groupListed(index, exempt);
  finishTally(tally, drowning, study);
  // Each period gave its first (代报: and as many more as it has exempt schools): the first of all.
  tally.onBehalfReports.splice(list.onBehalf ?? Number.POSITIVE_INFINITY);
  tally.abnormal.splice(list.abnormal ?? Number.POSITIVE_INFINITY);
  tally.remarks.splice(list.remarked ?? Number.POSITIVE_INFINITY);
  return tally;
}

/**
 * The schools whose reports the counts hold but a tally does not count: the exempt, and those
 * not on the roster when the period was due. Their reports are read to be taken back out.
 */
export function listUncounted(roster: Pick<Roster, "schools">, period: TaskPeriod, exemptions: ReadonlyMap<string, Exemption>): string[] {
  const notJoined = listNotJoined(indexRoster(roster.schools).joinedLate, period);
  return [...exemptions.keys(), ...[...notJoined, ...listNotAssigned(roster.schools, period)].map((school) => school.code)];
}

/**
 * Each area's missing schools in roster order with the periods each missed: walks the area only
 * until it has named `perArea` schools or found every missing school-period the counts hold.
 */
function nameMissing(
  index: RosterIndex,
  periods: readonly CountedPeriod[],
  missingByArea: ReadonlyMap<string, number>,
  list: ListOptions,
): AreaGroup[] {
  const required = periods.filter((p) => p.period.required);
  const groups: AreaGroup[] = [];
  for (const [area, schools] of index.areas) {
    const total = missingByArea.get(area) ?? 0;
    if (total === 0) continue;
    const limit = list.inFull?.includes(area) ? Number.POSITIVE_INFINITY : list.perArea;
    const entries: SchoolCount[] = [];
    const numbers = required[0]!.aggregate.numbersOf(schools);
    let found = 0;
    for (let i = 0; i < schools.length && entries.length < limit && found < total; i += 1) {
      const school = schools[i]!;
      let count = 0;
      for (const p of required) {
        if (!p.aggregate.isReportedAt(numbers[i]!) && !p.exemptions.has(school.code) && !whyNotOwed(p.period, school)) count += 1;
      }
      if (count === 0) continue;
      entries.push({ school, count });
      found += count;
    }
    const group = { area: schools[0]!.area, key: area, entries };
    groups.push(found < total ? { ...group, total } : group);
  }
  return groups;
}

/** Groups a few schools by area, areas and schools in roster order, without walking the roster. */
function groupListed(index: RosterIndex, entries: ReadonlyMap<School, SchoolCount>): AreaGroup[] {
  const areaOrder = [...index.areas.keys()];
  const sorted = [...entries.values()].sort((a, b) => index.position.get(a.school.code)! - index.position.get(b.school.code)!);
  const groups = new Map<string, AreaGroup>();
  for (const entry of sorted) {
    const key = areaKey(entry.school);
    if (!groups.has(key)) groups.set(key, { area: entry.school.area, key, entries: [] });
    groups.get(key)!.entries.push(entry);
  }
  return [...groups.entries()].sort(([a], [b]) => areaOrder.indexOf(a) - areaOrder.indexOf(b)).map(([, group]) => group);
}
