import { addDays } from "../../time/local-time.js";
import type { PeriodRef } from "../../store/reports.js";
import type { TaskCalendar } from "../../time/task-calendar.js";

/** How far back 历史 reads a school's audit log: two months of every task. */
export const HISTORY_DAYS = 62;

/** Every task's periods from `days` days before `today` to today, where a school's events are. */
export function recentPeriods(calendar: Pick<TaskCalendar, "tasks" | "list">, today: string, days = HISTORY_DAYS): PeriodRef[] {
  return calendar.tasks.flatMap((task) => calendar.list(task, addDays(today, -days), today).map((period) => ({ task, period: period.id })));
}
