import type { ReportKind } from "../../config/kinds.js";
import type { School } from "../../config/school.js";
import type { LocalDate } from "../../time/local-time.js";

/**
 * A figure of an example: digits that are not part of a date, a time, a decimal, a share or a
 * measure (12月1日, 11-20, 10:00, 3.5, 98%, 30厘米); 1180/1200 is two figures.
 */
const FIGURE = /(?<![\d\-.:：年月])\d+(?![\d\-.:：%年月日号时点分厘米度])/gu;

/**
 * A date an example writes in a form a date field reads: 12月1日, 2026年12月1日, 2026-12-01,
 * 12-01 (not a time, a decimal or a range's 至).
 */
const EXAMPLE_DATE = /(?<![\d\-.:：])(?:(\d{4})(年|-))?(\d{1,2})(月|-)(\d{1,2})(?![\d\-.:：])/gu;

/** Who and when an example is shown for: its figures fit the school, its dates the day. */
export interface ExampleFit {
  school?: School;
  today: LocalDate;
}

/**
 * An example of a kind as it fits a school smaller than its figures, on the day it is shown.
 * 岭头小学 (74 pupils) is shown `平安 在校74`, not `平安 在校1200`, which it would be refused or
 * questioned for: the largest figure is taken for the whole and becomes the school's own (its
 * roster's pupils or staff, as the kind's count fields declare); a figure above half of it keeps
 * its distance from it (1180/1200 → 54/74, so that a part and the rest still add up); smaller
 * ones (请假2, 发热2) stay. A date of a kind whose date field takes days come only (`past`)
 * becomes today's in the same form (例会 已召开 12月7日), which that field takes on any day.
 */
export function fitExample(kind: Pick<ReportKind, "fields">, example: string, { school, today }: ExampleFit): string {
  const dated = fitExampleDates(kind, example, today);
  return school === undefined ? dated : fitFigures(kind, dated, school);
}

/** Whether a kind's examples carry dates that fitExample makes today's: it has a date field that takes days come only. */
export function datesFollowToday(kind: Pick<ReportKind, "fields">): boolean {
  return Object.values(kind.fields).some((field) => field.type === "date" && field.past === true);
}

/** An example's dates as fitExample fits them; a text without one (a reminder's line) as it is. */
export function fitExampleDates(kind: Pick<ReportKind, "fields">, example: string, today: LocalDate): string {
  if (!datesFollowToday(kind)) return example;
  const [year, month, day] = today.split("-") as [string, string, string];
  return example.replace(EXAMPLE_DATE, (_date, y: string | undefined, ySep: string | undefined, m: string, mSep: string, d: string) => {
    const like = (value: string, written: string) => (written.length === 2 && mSep === "-" ? value : String(Number(value)));
    return `${y === undefined ? "" : `${year}${ySep}`}${like(month, m)}${mSep}${like(day, d)}`;
  });
}

function fitFigures(kind: Pick<ReportKind, "fields">, example: string, school: School): string {
  const column = Object.values(kind.fields).find((field) => field.type === "count" && field.roster !== undefined)?.roster;
  const own = column === undefined ? 0 : school[column];
  if (own <= 0) return example;
  const whole = Math.max(0, ...[...example.matchAll(FIGURE)].map((figure) => Number(figure[0])));
  if (whole <= own) return example;
  return example.replace(FIGURE, (digits) => {
    const figure = Number(digits);
    return figure * 2 > whole ? String(Math.max(0, own - (whole - figure))) : digits;
  });
}
