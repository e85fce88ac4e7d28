import { toLocalTime } from "../calendar/local-time.js";
import type { Config } from "../config/schema.js";

/** Whether a scheduled push may go out at this instant (inside the configured working hours). */
export function isWorkingTime(config: Config, at: Date): boolean {
  const time = toLocalTime(at, config.timezone);
  return config.working_hours.start <= time && time <= config.working_hours.end;
}
