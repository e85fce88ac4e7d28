import type { CommandContext } from "../../bot/command.js";
import type { School } from "../../config/roster.js";
import type { PutOutcome } from "../../store/reports.js";
import type { Report } from "../../store/report.js";
import { buildAbnormalAlerts } from "./abnormal-alerts.js";

/**
 * Queues the alerts a just-recorded safety report causes (see buildAbnormalAlerts). For a
 * message recorded before (a callback retried after a failure), the report and the one it
 * replaced are read back from the audit log, so the alert that may have been lost goes out
 * now, under the same idempotency key, and never twice.
 */
export async function sendAbnormalAlerts(
  ctx: Pick<CommandContext, "config" | "store" | "push" | "msgid">,
  args: { school: School; report: Report; outcome: PutOutcome; previous?: Report },
): Promise<void> {
  if (args.report.value.task !== "safety") return;
  let { report, previous } = args;
  if (args.outcome === "duplicate") {
    const event = (await ctx.store.log(report.task, report.period)).find((e) => e.msgid === ctx.msgid && e.report);
    if (!event?.report) return;
    report = event.report;
    previous = event.previous;
  }
  const pushes = buildAbnormalAlerts({ config: ctx.config, school: args.school, report, ...(previous && { previous }) });
  for (const push of pushes) await ctx.push.enqueue(push);
}
