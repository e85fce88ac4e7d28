import type { LocalDate } from "./local-time.js";

/** From this day of the year on, next year's arrangement is due (the notice comes out in November). */
const NEXT_YEAR_DUE = "11-01";

/**
 * The years whose State Council arrangement is due but unknown on `today`: the current year, and
 * from 1 November the next one too. Such a year runs on its statutory days alone.
 */
export function listMissingHolidayYears(hasHolidayData: (year: number) => boolean, today: LocalDate): number[] {
  const year = Number(today.slice(0, 4));
  const due = today.slice(5) >= NEXT_YEAR_DUE ? [year, year + 1] : [year];
  return due.filter((y) => !hasHolidayData(y));
}

/** The one line for the admin, in check-config, schedule, /healthz and the weekly roll-up. */
export function formatMissingHolidayYear(year: number): string {
  return (
    `${year} 年放假调休安排尚未导入：pingan holidays import 通知.txt` +
    `（把国务院办公厅关于${year}年部分节假日安排的通知全文存成文本文件；导入并重启服务前，${year} 年只按法定节假日放假，没有调休）`
  );
}
