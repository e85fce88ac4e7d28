import type { CommandContext } from "../../bot/command.js";
import { isAssigned, type School } from "../../config/roster.js";
import { kindOf } from "../../config/kinds.js";
import { reportText } from "./report-text.js";
import { reporterRoleOf, showsTaskTo } from "../../config/scope.js";
import { toInstant, type LocalDate } from "../../time/local-time.js";
import type { Exemption } from "../../store/exemptions.js";
import type { TaskId } from "../../config/schema.js";

/**
 * Each school's standing in every active task's current period the sender reports or oversees
 * (showsTaskTo), as 状态 shows it; with `day`, in the periods that day falls in (状态 昨天).
 */
export async function describeStatus(ctx: Pick<CommandContext, "calendar" | "store" | "exemptions" | "now" | "config" | "sender">, schools: readonly School[], day?: LocalDate): Promise<string> {
  // Midday of the day asked lies inside its day's periods whatever their hours.
  const at = day === undefined ? ctx.now : toInstant(day, "12:00", ctx.config.timezone);
  // A period's exemptions (免报), read once for all the schools asked about.
  const exemptions = new Map<string, Promise<Map<string, Exemption>>>();
  const exemptionsOf = (task: TaskId, period: string) => {
    const key = `${task}\n${period}`;
    if (!exemptions.has(key)) exemptions.set(key, ctx.exemptions.list(task, period));
    return exemptions.get(key)!;
  };
  const blocks: string[] = [];
  for (const school of schools) {
    const lines = [reportText.statusHeader(school, day)];
    for (const task of ctx.calendar.tasks) {
      const period = ctx.calendar.at(task, at);
      if (!period || !isAssigned(period, school) || !showsTaskTo(school, reporterRoleOf(ctx.config, task), ctx.sender.userid)) continue;
      const [report, exempt] = period.required ? await Promise.all([ctx.store.get(task, period.id, school.code), exemptionsOf(task, period.id).then((all) => all.get(school.code))]) : [];
      lines.push(reportText.statusLine(period, report, { timeZone: ctx.config.timezone, now: ctx.now, fields: kindOf(ctx.config, task)?.fields, role: reporterRoleOf(ctx.config, task), exempt }));
    }
    blocks.push(lines.join("\n"));
  }
  return blocks.join("\n\n");
}
