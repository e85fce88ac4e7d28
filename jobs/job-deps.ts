import type { Logger } from "pino";
import type { Pusher } from "../src/bot/command.js";
import type { Config } from "../src/config/schema.js";
import type { LeaderDeps } from "../src/features/leaders/leader-deps.js";
import type { JobLedger } from "../src/store/job-ledger.js";
import type { ReminderCooldowns } from "../src/store/reminders.js";
import type { Push } from "../src/message/push.js";
import type { TaskCalendar } from "../src/time/task-calendar.js";
import type { WeekChartMaker } from "../src/features/tallies/week-chart-maker.js";

/** What a scheduled job may use. */
export interface JobDeps extends LeaderDeps {
  config: Config;
  calendar: TaskCalendar;
  push: Pusher;
  /** Markers and plans kept between runs (tally posted, the 补报 list). */
  jobs: JobLedger;
  /** The last reminder per task, period and group (the reminder cooldown). */
  cooldowns: ReminderCooldowns;
  log: Pick<Logger, "info" | "warn" | "debug">;
  /** Draws the week chart that the tally and the roll-up carry; without it they go as text only. */
  chart?: WeekChartMaker;
  /**
   * Rewrites the embedded Redis's append-only file (BGREWRITEAOF), from the nightly job: done in
   * the day, the rewrite (a fork, a child writing the whole dataset) held check-ins up to 60 ms.
   * Absent for an external Redis, whose own configuration decides.
   */
  rewriteAof?: () => Promise<void>;
}

/** What one run of a job did, for logs, the CLI and tests. */
export interface JobOutcome {
  job: string;
  /** Idempotency keys of the pushes it queued (or would, in a dry run). */
  pushed: string[];
  /** Why nothing was done, when nothing was. */
  skipped?: string;
  /** What a person running the job should read, in Chinese (e.g. a reminder held back by its cooldown). */
  notes?: string[];
}

/** Options every job takes: print instead of sending; send a reminder despite its cooldown. */
export interface JobRunOptions {
  dryRun?: boolean;
  force?: boolean;
  /** Called with each push in a dry run. */
  show?: (push: Push) => void;
}
