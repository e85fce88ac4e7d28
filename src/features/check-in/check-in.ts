import type { CommandContext } from "../../bot/command.js";
import type { School } from "../../config/roster.js";
import type { ReportValue } from "../../store/report.js";
import type { TaskId } from "../../config/schema.js";
import type { TaskPeriod } from "../../time/task-calendar.js";
import { recordReport, type RecordedReport } from "./record-report.js";
import { reportText } from "./report-text.js";
import { sendAbnormalAlerts } from "./send-abnormal-alerts.js";

/**
 * A school's check-in, top to bottom: record it, queue the alerts it owes the leaders, and
 * confirm it to the sender.
 */
export async function checkIn(ctx: CommandContext, school: School, value: ReportValue): Promise<string> {
  const recorded = await recordReport(ctx, school, value);
  await sendAbnormalAlerts(ctx, recorded);
  return confirmReport(ctx, recorded);
}

/** The reply to a recorded report: what was recorded, and what the school still owes this period. */
async function confirmReport(ctx: CommandContext, { school, report, previous, period }: RecordedReport): Promise<string> {
  const timeZone = ctx.config.timezone;
  return [
    reportText.recorded({ school, period, report, ...(previous && { previous }), timeZone }),
    reportText.owed(await owedPeriods(ctx, school, report.task), timeZone, report.onBehalf ? "该校" : "本校"),
  ].join("\n");
}

/** The school's other required periods that have no report yet. */
async function owedPeriods(ctx: CommandContext, school: School, except: TaskId) {
  const periods = ctx.calendar.tasks
    .filter((task) => task !== except)
    .map((task) => ctx.calendar.at(task, ctx.now))
    .filter((period): period is TaskPeriod => period?.required === true);
  // Asked together, the look-ups share one round trip to Redis.
  const reports = await Promise.all(periods.map((period) => ctx.store.get(period.task, period.id, school.code)));
  return periods.filter((_, i) => !reports[i]).map((period) => ({ period }));
}
