import type { CommandContext } from "../../bot/command.js";
import type { School } from "../../config/roster.js";
import { listTaskIds } from "../../config/schema.js";
import { isAbnormal } from "../../store/report.js";

/**
 * Whether an incident named in the chat is still being registered: the alert's turn
 * (prepare-incident-alert.ts) opens and numbers it, so between a school's 异常 and that turn a
 * leader or the school may name it already. By number: one above the last number given. By
 * school: an abnormal report in force this period that no incident stands for yet.
 */
export async function isBeingRegistered(
  ctx: CommandContext<"incidents" | "store" | "calendar" | "config">,
  named: { number: number } | { school: School },
): Promise<boolean> {
  if ("number" in named) return named.number > (await ctx.incidents.lastNumber());
  for (const task of listTaskIds(ctx.config)) {
    const period = ctx.calendar.at(task, ctx.now);
    if (!period) continue;
    const ref = { task, period: period.id, school: named.school.code };
    const report = await ctx.store.get(ref.task, ref.period, ref.school);
    if (!isAbnormal(report)) continue;
    const number = await ctx.incidents.numberOf(ref);
    const incident = number === undefined ? undefined : await ctx.incidents.read(number);
    if (incident?.msgid !== report.msgid) return true;
  }
  return false;
}
