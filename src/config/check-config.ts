import { CalendarError } from "../time/calendar-error.js";
import { formatMissingHolidayYear } from "../time/holiday-coverage.js";
import { createTaskCalendar } from "../time/task-calendar.js";
import { ConfigError } from "./config-error.js";
import type { Env } from "./expand-env.js";
import { findConfigWarnings } from "./find-config-warnings.js";
import { loadConfig } from "./load-config.js";
import { text } from "./messages.js";

export interface CheckConfigOptions {
  /** The YAML file, e.g. `config/pingan.yaml`. */
  path: string;
  env: Env;
  /** The instant the calendar warnings are about (PINGAN_NOW or the real time). */
  now: Date;
  /** Where the report goes, one line per call. */
  out(line: string): void;
}

/**
 * `pingan check-config`: loads the config, roster and holiday data (bundled and imported) and
 * prints either a short summary or every problem. A year whose holiday notice is due but not
 * imported, and what findConfigWarnings finds, are warnings, not problems. Returns the process
 * exit code (0 valid, 1 invalid).
 */
export async function checkConfig({ path, env, now, out }: CheckConfigOptions): Promise<number> {
  try {
    const { config, roster, notes } = await loadConfig({ path, env });
    const calendar = await createTaskCalendar(config, { configPath: path });
    const areas = new Set(roster.schools.map((school) => school.area));
    const reporters = new Set(roster.schools.flatMap((school) => school.reporters));
    const tasks = Object.values(config.tasks).filter((task) => task?.enabled).map((task) => task!.name);
    out(text.checkPassed(path));
    out(text.checkSummary(roster.schools.length, areas.size, reporters.size, Object.keys(config.groups).length, tasks));
    for (const note of notes) out(note);
    for (const line of findConfigWarnings(config, roster)) out(line);
    for (const year of calendar.missingHolidayYears(now)) out(text.warning(formatMissingHolidayYear(year)));
    return 0;
  } catch (error) {
    if (error instanceof CalendarError) {
      for (const line of error.problems) out(line);
      return 1;
    }
    if (!(error instanceof ConfigError)) throw error;
    for (const line of error.format().split("\n")) out(line);
    return 1;
  }
}
