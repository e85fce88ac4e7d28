import type { ScheduleKind } from "../src/schedule/derive-schedules.js";
import type { JobDeps, JobOutcome, JobRunOptions } from "./job-deps.js";
import { runLateNote } from "./late-note.js";
import { runReduceHistory } from "./reduce-history.js";
import { runSlots } from "./run-slots.js";
import { runWeeklyRollup } from "./weekly-rollup.js";

/** What each kind of scheduler runs when it fires at `at`. */
export const scheduledJobs: Record<ScheduleKind, (deps: JobDeps, at: Date, options?: JobRunOptions) => Promise<JobOutcome[]>> = {
  slots: (deps, at, options) => runSlots(deps, at, options),
  weekly: async (deps, at, options) => [await runWeeklyRollup(deps, at, options)],
  "late-note": async (deps, at, options) => [await runLateNote(deps, at, options)],
  "reduce-history": async (deps, at, options) => [await runReduceHistory(deps, at, options)],
};
