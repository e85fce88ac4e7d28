import type { School } from "../config/roster.js";
import type { NotRequiredReason } from "./periods.js";
import type { TaskPeriod } from "./task-calendar.js";

/**
 * Why a school owes no report for a period: the period's own reason (the calendar's, or
 * `not_live` before the service's first day), or `not_joined` before the school first appeared
 * on the roster.
 */
export type NotOwedReason = NotRequiredReason | "not_joined";

/** Why a period asks nothing of anyone; undefined when it is required. The scheduler's skip, `pingan run`'s and every tally's reason. */
export function whyNotRequired(period: TaskPeriod): NotRequiredReason | undefined {
  return period.required ? undefined : (period.reason ?? "not_running_day");
}

/**
 * Why the school owes no report for the period; undefined when it owes one (an exemption
 * aside). Every tally, list, reminder, ledger row and board cell decides it here.
 */
export function whyNotOwed(period: TaskPeriod, school: Pick<School, "joined">): NotOwedReason | undefined {
  const notRequired = whyNotRequired(period);
  if (notRequired) return notRequired;
  return school.joined !== undefined && school.joined > period.due ? "not_joined" : undefined;
}

/** Whether a school was not on the service yet (未上线): shown apart from 未报 and 无需报, never missing. */
export function isBeforeLive(reason: NotOwedReason | undefined): boolean {
  return reason === "not_live" || reason === "not_joined";
}

/**
 * The schools of `joinedLate` (the roster's schools with a day of joining, latest first) that
 * owe nothing in a period the others owe: a tally that never walks the roster asks only these.
 */
export function listNotJoined(joinedLate: readonly School[], period: TaskPeriod): School[] {
  const found: School[] = [];
  for (const school of joinedLate) {
    if (whyNotOwed(period, school) !== "not_joined") break;
    found.push(school);
  }
  return found;
}
