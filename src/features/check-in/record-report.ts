import type { CommandContext } from "../../bot/command.js";
import type { TaskId } from "../../config/schema.js";
import { ErrorCode, UserError } from "../../errors.js";
import { sendAbnormalAlerts } from "./send-abnormal-alerts.js";
import type { School } from "../../config/roster.js";
import type { Report, ReportValue } from "../../store/report.js";
import { reportText } from "./report-text.js";
import type { TaskPeriod } from "../../time/task-calendar.js";

/** The period a report made now falls in; refuses tasks that are off or out of season. */
export function currentPeriod(ctx: CommandContext, task: TaskId): TaskPeriod {
  const period = ctx.calendar.at(task, ctx.now);
  const name = ctx.config.tasks[task]?.name ?? task;
  if (!period) throw new UserError(ErrorCode.TaskDisabled, reportText.taskDisabled(name));
  if (period.reason === "not_in_season") throw new UserError(ErrorCode.NotInSeason, reportText.notInSeason(name));
  return period;
}

/** Records a school's report for the current period and returns the confirmation reply. */
export async function recordReport(
  ctx: CommandContext,
  school: School,
  value: ReportValue,
  options: { onBehalf?: boolean } = {},
): Promise<{ reply: string; report: Report; previous?: Report; period: TaskPeriod }> {
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
    ...((options.onBehalf ?? ctx.onBehalf) && { onBehalf: true }),
  };
  const { outcome, previous } = await ctx.store.put(report);
  await sendAbnormalAlerts(ctx, { school, report, outcome, ...(previous && { previous }) });
  const timeZone = ctx.config.timezone;
  const lines = [reportText.recorded({ school, period, report, ...(previous && { previous }), timeZone })];
  lines.push(reportText.owed(await owedPeriods(ctx, school, value.task), timeZone, report.onBehalf ? "该校" : "本校"));
  return { reply: lines.join("\n"), report, ...(previous && { previous }), period };
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
