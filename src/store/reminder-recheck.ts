// The check a reminder is put through at delivery: which of the schools it names reported or were
// exempted since. The worker's side alone, apart from the cooldown (reminders.ts), which the
// sending side keeps: the push worker reaches the store here and nowhere else for a reminder.
import type { TaskId } from "../config/schema.js";
import type { RedisClient } from "./connect-redis.js";
import type { Keys } from "./keys.js";
import { readFields, runTogether } from "./scripts.js";
import type { SettledCheck } from "../message/push.js";
import { currentReports } from "./report-scripts.js";

/** The kind of check a reminder asks for (features/reminders/plan-reminders.ts formatReminderRecheck), its scope `<task>:<period>`. */
export const MISSING_SCHOOLS = "missing";

/**
 * The worker's check for reminders (Push.recheck): of the school codes a part names, those that
 * have a report for the period by now (current-reports.lua) or an exemption (their fields of
 * keys.exemptions). Both reads leave in one write: the schools a part names are at most a few dozen.
 */
export function createReminderRecheck({ redis, keys }: { redis: RedisClient; keys: Keys }): SettledCheck {
  return async (recheck, schools) => {
    if (recheck.kind !== MISSING_SCHOOLS || schools.length === 0) return new Set();
    const [task, period] = recheck.scope.split(":") as [TaskId, string];
    const [reports, exemptions] = (await runTogether(redis, [
      currentReports.call({ state: keys.periodState(task, period), log: keys.periodLog(task, period) }, { schools }),
      readFields(keys.exemptions(task, period), schools),
    ])) as [string[], (string | null)[]];
    return new Set(schools.filter((_school, i) => reports[i] || exemptions[i] !== null));
  };
}
