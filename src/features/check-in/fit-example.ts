import type { ReportKind } from "../../config/kinds.js";
import type { School } from "../../config/school.js";

/**
 * A figure of an example: digits that are not part of a date, a time, a decimal, a share or a
 * measure (12月1日, 11-20, 10:00, 3.5, 98%, 30厘米); 1180/1200 is two figures.
 */
const FIGURE = /(?<![\d\-.:：年月])\d+(?![\d\-.:：%年月日号时点分厘米度])/gu;

/**
 * An example of a kind as it fits a school smaller than its figures: 岭头小学 (74 pupils) is
 * shown `平安 在校74`, not `平安 在校1200`, which it would be refused or questioned for. The
 * largest figure is taken for the whole and becomes the school's own (its roster's pupils or
 * staff, as the kind's count fields declare); a figure above half of it keeps its distance from it
 * (1180/1200 → 54/74, so that a part and the rest still add up); smaller ones (请假2, 发热2) stay.
 * Unchanged when the kind takes no total from the roster, or the figures fit.
 */
export function fitExample(kind: Pick<ReportKind, "fields">, example: string, school: School): string {
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
