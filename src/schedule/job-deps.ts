import type { Cluster, Redis } from "ioredis";
import type { Logger } from "pino";
import type { Pusher } from "../bot/command.js";
import type { Config } from "../config/schema.js";
import type { LeaderDeps } from "../leaders/leader-deps.js";
import type { Keys } from "../redis/keys.js";
import type { SchoolCalendar } from "../calendar/school-calendar.js";
import type { Periods } from "../periods.js";
import type { Push } from "../push/push-queue.js";
import type { TaskPeriods } from "../tasks/task-periods.js";

/** What a scheduled job may use. */
export interface JobDeps extends LeaderDeps {
  config: Config;
  periods: TaskPeriods & { calendar: SchoolCalendar; periods: Periods };
  push: Pusher;
  redis: Redis | Cluster;
  keys: Keys;
  log: Pick<Logger, "info" | "warn" | "debug">;
}

/** What one run of a job did, for logs, the CLI and tests. */
export interface JobOutcome {
  job: string;
  /** Idempotency keys of the pushes it queued (or would, in a dry run). */
  pushed: string[];
  /** Why nothing was done, when nothing was. */
  skipped?: string;
}

/** Options every job takes: print instead of sending. */
export interface JobRunOptions {
  dryRun?: boolean;
  /** Called with each push in a dry run. */
  show?: (push: Push) => void;
}
