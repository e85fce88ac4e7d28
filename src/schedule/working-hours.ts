import type { Config } from "../config/schema.js";

/** Whether a scheduled push may go out at this instant (inside the configured working hours). */
export function isWorkingTime(config: Config, at: Date): boolean {
  const time = new Intl.DateTimeFormat("en-GB", {
    timeZone: config.timezone,
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
  }).format(at);
  return config.working_hours.start <= time && time <= config.working_hours.end;
}
