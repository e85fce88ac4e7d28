import type { TaskId } from "../../config/schema.js";
import type { Roster, School } from "../../config/roster.js";
import type { Report } from "../../store/report.js";
import { countSchool } from "../../tally/count-school.js";
import { defaultListing, type TaskTally } from "../../tally/task-tally.js";
import { tallyFromCounts, type CountedPeriod, summaryListing, withNodeRows } from "../../tally/load-tally.js";
import type { RosterNode } from "../../config/roster-tree.js";

/** One school's week: per task, its own tally (periods reported over expected, numbers). */
export interface SchoolWeek {
  school: School;
  tasks: Partial<Record<TaskId, TaskTally>>;
  /** Required periods it did not report, over every task. */
  missed: number;
}

/** The weekly roll-up: the county's tally per task, and every school's week (none above a county). */
export interface WeeklyRollup {
  tasks: TaskTally[];
  /** A city's or province's: each task's tally with a row per county or city (TaskTally.rows), no school's week. */
  byRows?: true;
  schools: SchoolWeek[];
  /** Schools that missed anything, and those that missed two or more times (escalation). */
  missedAny: SchoolWeek[];
  missedTwice: SchoolWeek[];
}

/**
 * A period of the week: its counts, and the reports in force of the schools where each school's
 * line shows its report's figures (防溺水, 周学习: schoolFigures); else the line is its periods
 * reported over owed, from the counts' bitmap alone.
 */
export interface WeekPeriod {
  counted: CountedPeriod;
  reports?: ReadonlyMap<string, Report>;
}

/** Whether the roll-up's school lines show a task's own figures (reached/total, attended/expected), read from each school's report. */
export function showsSchoolFigures(task: TaskId): boolean {
  return task === "drowning" || task === "study";
}

/** How many misses make a school one to chase (SPEC: "two or more times"). */
export const ESCALATE_AT = 2;

/**
 * Rolls up a week from each task's periods (the week's days up to the roll-up for daily tasks).
 * The county's numbers are tallied from the counts, every missing school named; a school's own
 * through the same tally (countSchool), from its report where its line shows the report's figures,
 * else from the counts' bitmap, so the per-school lines and the county totals cannot disagree.
 */
export function computeWeekly(roster: Pick<Roster, "schools">, inputs: ReadonlyMap<TaskId, readonly WeekPeriod[]>): WeeklyRollup {
  const list = { ...defaultListing(roster), perArea: Number.POSITIVE_INFINITY };
  const tasks = [...inputs.values()]
    .filter((periods) => periods.length > 0)
    .map((periods) => tallyFromCounts({ roster, periods: periods.map((p) => p.counted), list }));
  // Each period's numbers of the roster's schools, once (its bitmap says which reported).
  const numbers = new Map([...inputs.values()].flat().map(({ counted }) => [counted, counted.aggregate.numbersOf(roster.schools)]));
  const schools = roster.schools.map((school, i): SchoolWeek => {
    const own: SchoolWeek["tasks"] = {};
    let missed = 0;
    for (const [task, periods] of inputs) {
      if (periods.length === 0) continue;
      const counted = periods.map(({ counted: input, reports }) => {
        const report = reports ? reports.get(school.code) : input.aggregate.isReportedAt(numbers.get(input)![i]!) ? "reported" : undefined;
        return countSchool(input.period, school, report, input.exemptions);
      });
      const tally = tallyFromCounts({ roster: { schools: [school] }, periods: counted });
      own[task] = tally;
      missed += tally.missing;
    }
    return { school, tasks: own, missed };
  });
  return {
    tasks,
    schools,
    missedAny: schools.filter((s) => s.missed > 0),
    missedTwice: schools.filter((s) => s.missed >= ESCALATE_AT),
  };
}

/**
 * A city's or province's week: each task's tally with a row per county or city (withNodeRows),
 * from the nodes' own totals (`units`, summaryUnits); its schools' weeks are their counties'
 * roll-ups to tell, so none is counted here.
 */
export function computeWeeklyRows(roster: Roster, inputs: ReadonlyMap<TaskId, readonly WeekPeriod[]>, units: readonly RosterNode[]): WeeklyRollup {
  const list = summaryListing(roster);
  const tasks = [...inputs.values()]
    .filter((periods) => periods.length > 0)
    .map((periods) => {
      const counted = periods.map((p) => p.counted);
      return withNodeRows(roster, tallyFromCounts({ roster, periods: counted, list, units }), counted, undefined, true);
    });
  return { tasks, byRows: true, schools: [], missedAny: [], missedTwice: [] };
}
