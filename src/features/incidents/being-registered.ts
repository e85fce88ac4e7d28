import type { CommandContext } from "../../bot/command.js";
import type { School } from "../../config/roster.js";
import { listTaskIds } from "../../config/schema.js";
import { isAbnormal } from "../../store/report.js";

/**
 * Whether an incident named in the chat is still being registered: the alert's turn
 * (prepare-incident-alert.ts) opens and numbers it, so between a school's 异常 and that turn a
 * leader or the school may name it already. By number: any above the last number given (it may
 * be on its way, or a typo: incidentText.notNumberedYet says both). By school: an abnormal report
 * in force this period that no incident stands for yet.
 */
export async function isBeingRegistered(
  ctx: CommandContext<"incidents" | "store" | "calendar" | "config">,
  named: { number: number } | { school: School },
): Promise<boolean> {
  if ("number" in named) return named.number > (await ctx.incidents.lastNumber());
  const school = named.school.code;
  const refs = listTaskIds(ctx.config).flatMap((task) => {
    const period = ctx.calendar.at(task, ctx.now);
    return period ? [{ task, period: period.id, school }] : [];
  });
  // Every kind's report and its incident's number asked at once, then the incidents of the abnormal ones:
  // two round trips for the school, however many kinds it reports.
  const found = await Promise.all(refs.map((ref) => Promise.all([ctx.store.get(ref.task, ref.period, ref.school), ctx.incidents.numberOf(ref)])));
  const abnormal = found.flatMap(([report, number]) => (isAbnormal(report) ? [{ msgid: report.msgid, number }] : []));
  const incidents = await Promise.all(abnormal.map(({ number }) => (number === undefined ? undefined : ctx.incidents.read(number))));
  return abnormal.some(({ msgid }, i) => incidents[i]?.msgid !== msgid);
}
