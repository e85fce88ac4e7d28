import type { Roster, School } from "../../config/roster.js";
import { formatWeekdayName } from "../../time/format-time.js";
import type { TaskTally } from "../../tally/task-tally.js";
import { indexRoster } from "../../tally/index-roster.js";
import { NAME_NONE } from "../../tally/listing.js";
import { tallyFromCounts, type CountedPeriod } from "../../tally/tally-from-counts.js";
import type { TaskPeriod } from "../../time/task-calendar.js";
import type { WeekChartArea, WeekChartDay, WeekChartInput } from "./render-week-chart.js";
import { scheduleText } from "./tally-text.js";

/** Tallies some schools over some periods: tallyFromCounts over the counts (or, in tests, the recount over every report). */
export type TallyOf<P> = (schools: readonly School[], periods: readonly P[]) => Pick<TaskTally, "reported" | "expected" | "abnormalTotal">;

/**
 * What the week chart shows, from the daily periods a push already loaded (Monday up to the
 * tallied day): each area's reported over expected school-days, and each day's numbers with
 * its abnormal reports in force. Counted by the same tally function as the text, so the
 * picture and the words cannot disagree. Undefined when there is no daily period to draw.
 */
export function buildWeekChart<P extends { period: TaskPeriod }>(
  roster: Pick<Roster, "schools">,
  periods: readonly P[],
  tallyOf: TallyOf<P>,
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
  return {
    title: scheduleText.chartTitle(first.period.taskName, first.period.start, last.period.start),
    areas: [...indexRoster(roster.schools).areas].map(([name, schools]): WeekChartArea => {
      const tally = tallyOf(schools, daily);
      return { name, reported: tally.reported, expected: tally.expected };
    }),
    days: daily.map((input): WeekChartDay => {
      const tally = tallyOf(roster.schools, [input]);
      const date = input.period.start;
      return { date, label: formatWeekdayName(date), reported: tally.reported, expected: tally.expected, abnormal: tally.abnormalTotal };
    }),
  };
}

/** The week chart from the daily periods' counts, as the tally and the roll-up carry it. */
export function weekChartFromCounts(roster: Pick<Roster, "schools">, periods: readonly CountedPeriod[]): WeekChartInput | undefined {
  return buildWeekChart(roster, periods, (schools, days) => tallyFromCounts({ roster: { schools }, periods: days, list: NAME_NONE }));
}
