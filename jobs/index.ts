import type { ScheduleKind } from "../src/schedule/derive-schedules.js";
import type { JobDeps, JobOutcome, JobRunOptions } from "./job-deps.js";
import { runReduceHistory } from "./reduce-history.js";
import { runSlotsOf } from "./run-slots.js";

/** What each kind of scheduler runs when it fires at `at`: the pushes of its kind that are due then, or the nightly reduction. */
export const scheduledJobs: Record<ScheduleKind, (deps: JobDeps, at: Date, options?: JobRunOptions) => Promise<JobOutcome[]>> = {
  slots: runSlotsOf("slots"),
  weekly: runSlotsOf("weekly"),
  "late-note": runSlotsOf("late-note"),
  "reduce-history": async (deps, at, options) => [await runReduceHistory(deps, at, options)],
};
