import type { CommandContext } from "../../bot/command.js";
import type { TaskId } from "../../config/schema.js";
import type { School } from "../../config/roster.js";
import { ErrorCode, UserError } from "../../errors.js";
import type { PutOutcome } from "../../store/reports.js";
import type { Report, ReportValue } from "../../store/report.js";
import type { TaskPeriod } from "../../time/task-calendar.js";
import { reportText } from "./report-text.js";

/** A report as recorded, with the one it replaced and the period it is for. */
export interface RecordedReport {
  school: School;
  report: Report;
  outcome: PutOutcome;
  previous?: Report;
  period: TaskPeriod;
}

/** The period a report made now falls in; refuses tasks that are off or out of season. */
export function currentPeriod(ctx: Pick<CommandContext, "calendar" | "config" | "now">, task: TaskId): TaskPeriod {
  const period = ctx.calendar.at(task, ctx.now);
  const name = ctx.config.tasks[task]?.name ?? task;
  if (!period) throw new UserError(ErrorCode.TaskDisabled, reportText.taskDisabled(name));
  if (period.reason === "not_in_season") throw new UserError(ErrorCode.NotInSeason, reportText.notInSeason(name));
  return period;
}

/** Records a school's report for the current period (idempotent per msgid). */
export async function recordReport(ctx: CommandContext, school: School, value: ReportValue): Promise<RecordedReport> {
  const period = currentPeriod(ctx, value.task);
  const report: Report = {
    school: school.code,
    task: value.task,
    period: period.id,
    value,
    by: ctx.sender.userid,
    at: ctx.now.toISOString(),
    late: ctx.calendar.isLate(period, ctx.now),
    msgid: ctx.msgid,
    raw: ctx.raw,
    ...(ctx.onBehalf && { onBehalf: true }),
  };
  const { outcome, previous } = await ctx.store.put(report);
  return { school, report, outcome, ...(previous && { previous }), period };
}
