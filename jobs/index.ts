import type { ScheduleKind } from "../src/schedule/derive-schedules.js";
import type { JobDeps, JobOutcome, JobRunOptions } from "./job-deps.js";
import { runReduceHistory } from "./reduce-history.js";
import { runSlots } from "./run-slots.js";

/** What each kind of scheduler runs when it fires at `at`: the pushes of its kind that are due then, or the nightly reduction. */
export const scheduledJobs: Record<ScheduleKind, (deps: JobDeps, at: Date, options?: JobRunOptions) => Promise<JobOutcome[]>> = {
  slots: (deps, at, options) => runSlots(deps, at, "slots", options),
  weekly: (deps, at, options) => runSlots(deps, at, "weekly", options),
  "late-note": (deps, at, options) => runSlots(deps, at, "late-note", options),
  "reduce-history": async (deps, at, options) => [await runReduceHistory(deps, at, options)],
};
