import { Lunar, Solar } from "lunar-javascript";
import { addDays, formatLocalDate, type LocalDate } from "./local-time.js";

/** The festivals of the 全国年节及纪念日放假办法 on which every citizen has days off. */
export type StatutoryFestival = "元旦" | "春节" | "清明节" | "劳动节" | "端午节" | "中秋节" | "国庆节";

/** One statutory day off, before the State Council's yearly notice adds bridges and make-up days. */
export interface StatutoryHoliday {
  readonly date: LocalDate;
  readonly festival: StatutoryFestival;
}

/** The 2024 revision of the 放假办法 (春节 4 days, 劳动节 2 days) applies from this year on. */
export const FIRST_STATUTORY_YEAR = 2025;
/** The last year whose lunar calendar pingan trusts lunar-javascript for. */
export const LAST_STATUTORY_YEAR = 2099;

/**
 * Lists the statutory days off of a year, sorted by date: 元旦 1-1; 春节 除夕 to 正月初三;
 * 清明节 on the 清明 solar term; 劳动节 5-1 and 5-2; 端午节 lunar 5-5; 中秋节 lunar 8-15;
 * 国庆节 10-1 to 10-3. Throws a RangeError outside 2025–2099.
 */
export function listStatutoryHolidays(year: number): StatutoryHoliday[] {
  if (!Number.isInteger(year) || year < FIRST_STATUTORY_YEAR || year > LAST_STATUTORY_YEAR) {
    throw new RangeError(
      `只能计算 ${FIRST_STATUTORY_YEAR}–${LAST_STATUTORY_YEAR} 年的法定节假日` +
        `（2024 年修订的放假办法自 2025 年起施行），${String(year)} 不在其中`,
    );
  }
  const days: StatutoryHoliday[] = [];
  const add = (festival: StatutoryFestival, date: LocalDate): void => {
    days.push({ date, festival });
  };

  add("元旦", formatLocalDate(year, 1, 1));
  // 除夕 is the eve of 正月初一, whether 腊月 has 29 or 30 days.
  const newYear = fromSolar(Lunar.fromYmd(year, 1, 1).getSolar());
  for (let offset = -1; offset <= 2; offset += 1) add("春节", addDays(newYear, offset));
  add("清明节", findQingming(year));
  add("劳动节", formatLocalDate(year, 5, 1));
  add("劳动节", formatLocalDate(year, 5, 2));
  add("端午节", fromSolar(Lunar.fromYmd(year, 5, 5).getSolar()));
  add("中秋节", fromSolar(Lunar.fromYmd(year, 8, 15).getSolar()));
  for (let day = 1; day <= 3; day += 1) add("国庆节", formatLocalDate(year, 10, day));

  return days.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
}

/** 清明 falls on April 4, 5 or 6 (China Standard Time); search a little wider to be safe. */
function findQingming(year: number): LocalDate {
  for (let day = 1; day <= 10; day += 1) {
    if (Solar.fromYmd(year, 4, day).getLunar().getJieQi() === "清明") return formatLocalDate(year, 4, day);
  }
  throw new Error(`lunar-javascript 没有给出 ${year} 年的清明节气`);
}

function fromSolar(solar: Solar): LocalDate {
  return formatLocalDate(solar.getYear(), solar.getMonth(), solar.getDay());
}
