import type { Roster } from "../../config/roster.js";
import type { ExemptionStore } from "../../store/exemptions.js";
import type { ReportStore } from "../../store/reports.js";
import type { TaskPeriod } from "../../time/task-calendar.js";
import { computeTally, type PeriodInput, type TaskTally } from "./compute-summary.js";

/** Where a tally's data comes from. */
export interface TallySources {
  roster: Roster;
  store: ReportStore;
  exemptions: ExemptionStore;
}

/**
 * Reads the reports, exemptions (and, for safety, each school's latest abnormal report) of each
 * period. Not the audit log: at 20,000 schools a day's log is 8 MB.
 */
export function loadPeriodInputs(sources: TallySources, periods: readonly TaskPeriod[]): Promise<PeriodInput[]> {
  return Promise.all(
    periods.map(async (period) => {
      const [reports, exemptions, lastAbnormal] = await Promise.all([
        sources.store.list(period.task, period.id),
        sources.exemptions.list(period.task, period.id),
        period.task === "safety" ? sources.store.abnormal(period.task, period.id) : undefined,
      ]);
      return { period, reports, exemptions, ...(lastAbnormal && { lastAbnormal }) };
    }),
  );
}

/** Reads what the periods hold and tallies them. */
export async function loadTally(sources: TallySources, periods: readonly TaskPeriod[], now?: Date): Promise<TaskTally> {
  const inputs = await loadPeriodInputs(sources, periods);
  return computeTally({ roster: sources.roster, periods: inputs, ...(now && { now }) });
}
