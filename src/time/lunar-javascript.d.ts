// lunar-javascript ships no types; this declares only the calls pingan makes.
declare module "lunar-javascript" {
  /** A Gregorian date. */
  export class Solar {
    static fromYmd(year: number, month: number, day: number): Solar;
    getYear(): number;
    getMonth(): number;
    getDay(): number;
    getLunar(): Lunar;
  }

  /** A Chinese lunisolar date; `getMonth()` is negative for a leap month (闰月). */
  export class Lunar {
    static fromYmd(year: number, month: number, day: number): Lunar;
    getYear(): number;
    getMonth(): number;
    getDay(): number;
    /** The solar term (节气) that begins on this day, such as "清明", or "" when none does. */
    getJieQi(): string;
    getSolar(): Solar;
  }
}
