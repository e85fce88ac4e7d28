import type { School } from "../config/roster.js";
import type { NotRequiredReason } from "./periods.js";
import type { TaskPeriod } from "./task-calendar.js";

/**
 * Why a school owes no report for a period: the period's own reason (the calendar's, or
 * `not_live` before the service's first day), `not_assigned` for a school the task's `schools`
 * leave out (it is no part of the task: never counted, not even as owing nothing), or
 * `not_joined` before the school first appeared on the roster.
 */
export type NotOwedReason = NotRequiredReason | "not_assigned" | "not_joined";

/** Why a period asks nothing of anyone; undefined when it is required. The scheduler's skip, `pingan run`'s and every tally's reason. */
export function whyNotRequired(period: TaskPeriod): NotRequiredReason | undefined {
  return period.required ? undefined : (period.reason ?? "not_running_day");
}

/**
 * Why the school owes no report for the period; undefined when it owes one (an exemption
 * aside). Every tally, list, reminder, ledger row and board cell decides it here.
 */
export function whyNotOwed(period: TaskPeriod, school: Pick<School, "joined" | "code" | "area" | "stage">): NotOwedReason | undefined {
  if (!isAssigned(period, school)) return "not_assigned";
  const notRequired = whyNotRequired(period);
  if (notRequired) return notRequired;
  return hasJoinedBy(period, school) ? undefined : "not_joined";
}

/** Whether the task's `schools` name the school (its 片区, 学段 or 学校代码); every school when the task names none. */
export function isAssigned(period: Pick<TaskPeriod, "schools">, school: Pick<School, "code" | "area" | "stage">): boolean {
  const { schools } = period;
  return schools === undefined || schools.includes(school.code) || schools.includes(school.area) || schools.includes(school.stage);
}

/** Whether the school was on the roster when the period was due. */
function hasJoinedBy(period: TaskPeriod, school: Pick<School, "joined">): boolean {
  return school.joined === undefined || school.joined <= period.due;
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
  if (!period.required) return [];
  const found: School[] = [];
  for (const school of joinedLate) {
    if (hasJoinedBy(period, school)) break;
    if (isAssigned(period, school)) found.push(school);
  }
  return found;
}

// Every tally of a listed task asks for its left-out schools: found once per roster and list (both frozen).
const notAssignedOf = new WeakMap<readonly School[], WeakMap<readonly string[], readonly School[]>>();

/** The schools of `schools` the task leaves out (see isAssigned): none when it names no list. */
export function listNotAssigned(schools: readonly School[], period: Pick<TaskPeriod, "schools">): readonly School[] {
  const list = period.schools;
  if (list === undefined) return [];
  let byList = notAssignedOf.get(schools);
  if (!byList) notAssignedOf.set(schools, (byList = new WeakMap()));
  let found = byList.get(list);
  if (!found) byList.set(list, (found = schools.filter((school) => !isAssigned(period, school))));
  return found;
}
