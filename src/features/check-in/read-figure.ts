import { tooLargeForASchool } from "../../config/school.js";

/**
 * How a figure is written, for every reader (the named ones' read-report.ts, the declared kinds'
 * read-fields.ts): a sign (read to be refused), the digits with or without thousands commas
 * (1,190 is 1190, never 1), and decimals (read to be refused). Groups: sign, whole, decimals.
 */
export const FIGURE = String.raw`([-−]|负)?(\d{1,3}(?:,\d{3})+(?!\d)|\d+)(\.\d+)?`;

/** A figure as written, and what is wrong with it for a count of people or things. */
export interface ReadFigure {
  value: number;
  negative: boolean;
  fraction: boolean;
  /** More than any school counts (tooLargeForASchool), and more than the counts could keep. */
  tooLarge: boolean;
}

/** The figure of FIGURE's groups, from `match[at]` on. */
export function figureOf(match: RegExpExecArray | readonly (string | undefined)[], at: number): ReadFigure {
  const sign = match[at];
  const whole = match[at + 1]!.replace(/,/g, "");
  const decimals = match[at + 2];
  const value = Number(`${whole}${decimals ?? ""}`) * (sign ? -1 : 1);
  return { value, negative: sign !== undefined, fraction: decimals !== undefined && Number(decimals) !== 0, tooLarge: tooLargeForASchool(value) };
}
