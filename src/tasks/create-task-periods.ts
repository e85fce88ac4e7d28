import { loadHolidays } from "../calendar/load-holidays.js";
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
  const named = (period: Period): TaskPeriod => ({ ...period, taskName: taskName(period.task) });
  return {
    tasks,
    taskName,
    at: (task, instant) => (tasks.includes(task) ? named(periods.periodAt(task, instant)) : undefined),
    byId: (task, id) => {
      const period = tasks.includes(task) ? periods.periodById(task, id) : undefined;
      return period && named(period);
    },
    isLate: (period, at) => periods.isLate(period, at),
    calendar,
    periods,
  };
}
