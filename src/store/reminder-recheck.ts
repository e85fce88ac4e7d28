import type { TaskId } from "../config/schema.js";
import type { PushRecheck, SettledCheck } from "../message/push.js";
import type { ExemptionStore } from "./exemptions.js";
import type { ReportStore } from "./reports.js";

/** The check of a reminder: which of the schools it names have reported (or been exempted) since. */
const MISSING = "missing";

/** What a reminder of a task's period asks the worker to re-check before it goes out. */
export function formatReminderRecheck(task: TaskId, periodId: string): PushRecheck {
  return { kind: MISSING, scope: `${task}:${periodId}` };
}

/**
 * The worker's check for reminders (Push.recheck): of the school codes a part names, those that
 * have a report for the period by now or an exemption. One read of the schools the part names
 * (at most a few dozen) and one of the period's exemptions.
 */
export function createReminderRecheck(sources: { store: Pick<ReportStore, "current">; exemptions: Pick<ExemptionStore, "list"> }): SettledCheck {
  return async (recheck, schools) => {
    if (recheck.kind !== MISSING) return new Set();
    const [task, period] = recheck.scope.split(":") as [TaskId, string];
    const [reports, exempt] = await Promise.all([sources.store.current(task, period, schools), sources.exemptions.list(task, period)]);
    return new Set(schools.filter((school) => reports.has(school) || exempt.has(school)));
  };
}
