import type { CommandContext } from "../../bot/command.js";
import { isAssigned, type School } from "../../config/roster.js";
import { kindOf } from "../../config/kinds.js";
import { reportText } from "./report-text.js";
import { reporterRoleOf, showsTaskTo } from "../../config/scope.js";
import { toInstant, type LocalDate } from "../../time/local-time.js";
import type { Exemption } from "../../store/exemptions.js";

/**
 * Each school's standing in every active task's current period the sender reports or oversees
 * (showsTaskTo), as 状态 shows it; with `day`, in the periods that day falls in (状态 昨天).
 */
export async function describeStatus(ctx: Pick<CommandContext, "calendar" | "store" | "exemptions" | "now" | "config" | "sender">, schools: readonly School[], day?: LocalDate): Promise<string> {
  // Midday of the day asked lies inside its day's periods whatever their hours.
  const at = day === undefined ? ctx.now : toInstant(day, "12:00", ctx.config.timezone);
  // Each task's period is every school's: found once, its exemptions (免报) read once, when a school owes it.
  const tasks = ctx.calendar.tasks.flatMap((task) => {
    const period = ctx.calendar.at(task, at);
    if (!period) return [];
    let exemptions: Promise<Map<string, Exemption>> | undefined;
    const exemptionOf = async (school: string) => (await (exemptions ??= ctx.exemptions.list(task, period.id))).get(school);
    return [{ task, period, role: reporterRoleOf(ctx.config, task), fields: kindOf(ctx.config, task)?.fields, exemptionOf }];
  });
  const blocks: string[] = [];
  for (const school of schools) {
    const lines = [reportText.statusHeader(school, day)];
    for (const { task, period, role, fields, exemptionOf } of tasks) {
      if (!isAssigned(period, school) || !showsTaskTo(school, role, ctx.sender.userid)) continue;
      const [report, exempt] = period.required ? await Promise.all([ctx.store.get(task, period.id, school.code), exemptionOf(school.code)]) : [];
      lines.push(reportText.statusLine(period, report, { timeZone: ctx.config.timezone, now: ctx.now, fields, role, exempt }));
    }
    blocks.push(lines.join("\n"));
  }
  return blocks.join("\n\n");
}
