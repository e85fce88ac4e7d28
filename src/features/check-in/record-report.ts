import type { CommandContext } from "../../bot/command.js";
import type { TaskId } from "../../config/schema.js";
import type { School } from "../../config/roster.js";
import { ErrorCode, UserError } from "../../errors.js";
import type { Report, ReportValue } from "../../store/report.js";
import type { TaskPeriod } from "../../time/task-calendar.js";
import { reportText } from "./report-text.js";

/** The period a report made now falls in; refuses tasks that are off or out of season. */
export function currentPeriod(ctx: Pick<CommandContext, "calendar" | "config" | "now">, task: TaskId): TaskPeriod {
  const period = ctx.calendar.at(task, ctx.now);
  const name = ctx.config.tasks[task]?.name ?? task;
  if (!period) throw new UserError(ErrorCode.TaskDisabled, reportText.taskDisabled(name));
  if (period.reason === "not_in_season") throw new UserError(ErrorCode.NotInSeason, reportText.notInSeason(name));
  return period;
}

/** The report a message makes for a school, in the current period. */
export function makeReport(ctx: CommandContext, school: School, period: TaskPeriod, value: ReportValue): Report {
  return {
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
}

/** How often a record is tried again when another message for the same school came first. */
export const RECORD_ATTEMPTS = 3;
