import { createClock } from "../clock.js";
import { loadConfig } from "../config/load-config.js";
import { createDevCredentials } from "../demo/dev-credentials.js";
import { formatInstant } from "../reporting/format-time.js";
import { createTaskPeriods } from "../tasks/create-task-periods.js";
import { scheduleText } from "../text/schedule-text.js";
import { deriveSchedules } from "./derive-schedules.js";
import { listUpcomingSlots } from "./upcoming-slots.js";

/**
 * `pingan schedule`: the job schedulers the config asks for, and the reminders and tallies they
 * will act on in the next days. Needs no Redis and no secrets (missing ones are stood in for).
 */
export async function printSchedule({
  env,
  days,
  out,
}: {
  env: Record<string, string | undefined>;
  days: number;
  out: (line: string) => void;
}): Promise<void> {
  const path = env.PINGAN_CONFIG ?? "config/pingan.yaml";
  const { config } = await loadConfig({ path, env: { ...createDevCredentials(), ...env } });
  const periods = await createTaskPeriods(config);
  const now = createClock({ ...(env.PINGAN_NOW && { start: new Date(env.PINGAN_NOW) }) }).now();
  const zone = config.timezone;
  out(scheduleText.scheduleTitle(path, zone, config.working_hours));
  for (const entry of deriveSchedules(config)) out(scheduleText.schedulerLine(entry.id, entry.pattern, entry.at));
  out("");
  out(scheduleText.upcomingTitle(days, formatInstant(now, zone, true)));
  const slots = listUpcomingSlots(config, periods, now, days);
  if (slots.length === 0) out(scheduleText.noUpcoming);
  for (const slot of slots) {
    out(scheduleText.upcomingLine(formatInstant(slot.at, zone, true), periods.taskName(slot.task), slot.kind, slot.periodId));
  }
}
