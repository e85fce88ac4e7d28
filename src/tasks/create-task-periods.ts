import { loadHolidays } from "../calendar/load-holidays.js";
import { toLocalDate } from "../calendar/local-time.js";
import { createSchoolCalendar, type SchoolCalendar } from "../calendar/school-calendar.js";
import { TASK_IDS, type Config, type TaskId } from "../config/schema.js";
import { createPeriods, type Period, type Periods } from "../periods.js";
import type { TaskPeriod, TaskPeriods } from "./task-periods.js";

/** Task periods for the configured, enabled tasks, on the school calendar. */
export async function createTaskPeriods(
  config: Config,
  { holidaysPath }: { holidaysPath?: string } = {},
): Promise<TaskPeriods & { calendar: SchoolCalendar; periods: Periods }> {
  const calendar = createSchoolCalendar(config.calendar, await loadHolidays(holidaysPath));
  const periods = createPeriods({ tasks: config.tasks, calendar, zone: config.timezone });
  const tasks = TASK_IDS.filter((task) => config.tasks[task]?.enabled);
  const taskName = (task: TaskId) => config.tasks[task]?.name ?? task;
  const named = (period: Period): TaskPeriod => Object.freeze({ ...period, taskName: taskName(period.task) });
  // A period is a pure function of the task and the local date, and every check-in asks for
  // several: computing them once per day took a fifth of the callback's CPU.
  const byDate = new Map<string, TaskPeriod>();
  const at = (task: TaskId, instant: Date): TaskPeriod | undefined => {
    if (!tasks.includes(task)) return undefined;
    const key = `${task}:${toLocalDate(instant, config.timezone)}`;
    let period = byDate.get(key);
    if (!period) {
      if (byDate.size > 10_000) byDate.clear();
      period = named(periods.periodAt(task, instant));
      byDate.set(key, period);
    }
    return period;
  };
  return {
    tasks,
    taskName,
    at,
    byId: (task, id) => {
      const period = tasks.includes(task) ? periods.periodById(task, id) : undefined;
      return period && named(period);
    },
    isLate: (period, at) => periods.isLate(period, at),
    calendar,
    periods,
  };
}
