import type { CommandContext } from "../../bot/command.js";
import { isAssigned, type School } from "../../config/roster.js";
import { kindOf } from "../../config/kinds.js";
import { reportText } from "./report-text.js";
import { reporterRoleOf, showsTaskTo } from "../../config/scope.js";

/** Each school's standing in every active task's current period the sender reports or oversees (showsTaskTo), as 状态 shows it. */
export async function describeStatus(ctx: Pick<CommandContext, "calendar" | "store" | "now" | "config" | "sender">, schools: readonly School[]): Promise<string> {
  const blocks: string[] = [];
  for (const school of schools) {
    const lines = [reportText.statusHeader(school)];
    for (const task of ctx.calendar.tasks) {
      const period = ctx.calendar.at(task, ctx.now);
      if (!period || !isAssigned(period, school) || !showsTaskTo(school, reporterRoleOf(ctx.config, task), ctx.sender.userid)) continue;
      const report = period.required ? await ctx.store.get(task, period.id, school.code) : undefined;
      lines.push(reportText.statusLine(period, report, ctx.config.timezone, ctx.now, kindOf(ctx.config, task)?.fields, reporterRoleOf(ctx.config, task)));
    }
    blocks.push(lines.join("\n"));
  }
  return blocks.join("\n\n");
}
