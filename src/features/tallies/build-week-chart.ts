import type { Roster, School } from "../../config/roster.js";
import { areaLabel, type RosterNode } from "../../config/roster-tree.js";
import { formatWeekdayName } from "../../time/local-time.js";
import { type TaskTally, indexRoster, NAME_NONE } from "../../tally/task-tally.js";
import { tallyFromCounts, type CountedPeriod } from "../../tally/load-tally.js";
import type { TaskPeriod } from "../../time/task-calendar.js";
import type { WeekChartArea, WeekChartDay, WeekChartInput } from "./render-week-chart.js";
import { scheduleText } from "./tally-text.js";

/**
 * Tallies some schools over some periods: tallyFromCounts over the counts (or, in tests, the
 * recount over every report), by these nodes' totals when given.
 */
export type TallyOf<P> = (schools: readonly School[], periods: readonly P[], units?: readonly RosterNode[]) => Pick<TaskTally, "reported" | "expected" | "abnormalTotal">;

/**
 * What the week chart shows, from the daily periods a push already loaded (Monday up to the
 * tallied day): each area's reported over expected school-days, and each day's numbers with
 * its abnormal reports in force. Counted by the same tally function as the text, so the
 * picture and the words cannot disagree. Undefined when there is no daily period to draw.
 */
export function buildWeekChart<P extends { period: TaskPeriod }>(
  roster: Pick<Roster, "schools" | "node" | "within">,
  periods: readonly P[],
  tallyOf: TallyOf<P>,
  units?: readonly RosterNode[],
): WeekChartInput | undefined {
  // Days nobody owes at either end (a weekend, a holiday before the week began) are left out;
  // one inside the week stays, drawn as a gap in the line.
  const owed = periods.filter((p) => p.period.kind === "day");
  const from = owed.findIndex((p) => p.period.required);
  const to = owed.length - 1 - [...owed].reverse().findIndex((p) => p.period.required);
  const daily = from < 0 ? [] : owed.slice(from, to + 1);
  const first = daily[0];
  const last = daily[daily.length - 1];
  if (!first || !last) return undefined;
  // A bar per 片区, named below the reader's node (areaLabel); above a county, per county or city.
  const parts = units
    ? units.map((node) => ({ name: node.name, schools: node.schools, node }))
    : [...indexRoster(roster.schools).areas].map(([key, schools]) => ({ name: areaLabel(roster.node, key), schools, node: undefined }));
  return {
    title: scheduleText.chartTitle(first.period.taskName, first.period.start, last.period.start),
    ...(units && { areasHeading: scheduleText.chartRowsHeading }),
    areas: parts.map(({ name, schools, node }): WeekChartArea => {
      const tally = tallyOf(schools, daily, node && [node]);
      return { name, reported: tally.reported, expected: tally.expected };
    }),
    days: daily.map((input): WeekChartDay => {
      const tally = tallyOf(roster.schools, [input], units);
      const date = input.period.start;
      return { date, label: formatWeekdayName(date), reported: tally.reported, expected: tally.expected, abnormal: tally.abnormalTotal };
    }),
  };
}

/**
 * The week chart from the daily periods' counts, as the tally and the roll-up carry it; `units`
 * as they were read (summaryUnits: a city's counties, a province's cities).
 */
export function weekChartFromCounts(roster: Pick<Roster, "schools" | "node" | "within">, periods: readonly CountedPeriod[], units?: readonly RosterNode[]): WeekChartInput | undefined {
  return buildWeekChart(roster, periods, (schools, days, by) => tallyFromCounts({ roster: { schools }, periods: days, list: NAME_NONE, ...(by && { units: by }) }), units);
}
