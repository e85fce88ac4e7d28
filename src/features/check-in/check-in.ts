import type { CommandContext } from "../../bot/command.js";
import type { School } from "../../config/roster.js";
import type { ReportValue } from "../../store/report.js";
import { confirmReport } from "./confirm-report.js";
import { recordReport } from "./record-report.js";
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
