import type { TaskId } from "../../config/schema.js";
import { computeTally, type PeriodInput, type TaskTally } from "../leaders/compute-summary.js";
import type { Roster, School } from "../../config/roster.js";

/** One school's week: per task, its own tally (periods reported over expected, numbers). */
export interface SchoolWeek {
  school: School;
  tasks: Partial<Record<TaskId, TaskTally>>;
  /** Required periods it did not report, over every task. */
  missed: number;
}

/** The weekly roll-up: the county's tally per task, and every school's week. */
export interface WeeklyRollup {
  tasks: TaskTally[];
  schools: SchoolWeek[];
  /** Schools that missed anything, and those that missed two or more times (escalation). */
  missedAny: SchoolWeek[];
  missedTwice: SchoolWeek[];
}

/** How many misses make a school one to chase (SPEC: "two or more times"). */
export const ESCALATE_AT = 2;

/**
 * Rolls up a week from each task's periods (the week's days up to the roll-up for daily tasks).
 * A school's own numbers come from the same tally function, given a roster of one, so the
 * per-school lines and the county totals cannot disagree.
 */
export function computeWeekly(roster: Pick<Roster, "schools">, inputs: ReadonlyMap<TaskId, readonly PeriodInput[]>): WeeklyRollup {
  const tasks = [...inputs.entries()]
    .filter(([, periods]) => periods.length > 0)
    .map(([, periods]) => computeTally({ roster, periods }));
  const schools = roster.schools.map((school): SchoolWeek => {
    const own: SchoolWeek["tasks"] = {};
    let missed = 0;
    for (const [task, periods] of inputs) {
      if (periods.length === 0) continue;
      const tally = computeTally({ roster: { schools: [school] }, periods });
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
