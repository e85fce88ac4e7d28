import type { TaskId } from "../config/schema.js";

/** One period of one task, as the bot and the scheduler see it. */
export interface TaskPeriod {
  task: TaskId;
  /** Display name of the task, e.g. 平安日报. */
  taskName: string;
  kind: "day" | "week";
  /** `2026-11-23` or `2026-W48`. */
  id: string;
  /** First and last local date of the period. */
  start: string;
  end: string;
  /** Reports after this instant are late. */
  deadline: Date;
  /** Whether schools owe a report for this period. */
  required: boolean;
  reason?: "not_in_season" | "not_running_day";
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
}
