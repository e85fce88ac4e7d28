import type { TaskId } from "../config/schema.js";
import type { Period } from "../periods.js";

/** One period of one task (see Period), with the task's display name. */
export interface TaskPeriod extends Period {
  /** e.g. 平安日报. */
  taskName: string;
}

/** Periods of the configured tasks. */
export interface TaskPeriods {
  /** The configured, enabled tasks in display order. */
  readonly tasks: readonly TaskId[];
  taskName(task: TaskId): string;
  /** The period in force at an instant; undefined when the task is not configured. */
  at(task: TaskId, instant: Date): TaskPeriod | undefined;
  /** The period with this id; undefined when the id is not one of the task's. */
  byId(task: TaskId, id: string): TaskPeriod | undefined;
  /** Whether a report at `at` is late for the period (the deadline minute is on time). */
  isLate(period: TaskPeriod, at: Date): boolean;
}
