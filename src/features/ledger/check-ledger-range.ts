import { diffDays, isValidLocalDate } from "../../time/local-time.js";

/** The longest range one export covers, in days (a leap year). */
export const MAX_LEDGER_DAYS = 366;

/** What is wrong with a ledger range, if anything. */
export type LedgerRangeProblem =
  | { problem: "bad_date"; date: string }
  | { problem: "reversed" }
  | { problem: "too_long"; days: number };

/** Checks `from`..`to`: real `YYYY-MM-DD` dates, in order, at most MAX_LEDGER_DAYS days. */
export function checkLedgerRange(from: string, to: string): LedgerRangeProblem | undefined {
  for (const date of [from, to]) if (!isValidLocalDate(date)) return { problem: "bad_date", date };
  if (to < from) return { problem: "reversed" };
  const days = diffDays(from, to) + 1;
  return days > MAX_LEDGER_DAYS ? { problem: "too_long", days } : undefined;
}
