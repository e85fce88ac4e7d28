import { areaKey } from "../config/roster-tree.js";
import { CALENDAR_CODES } from "../time/calendar-error.js";
import { formatMissingHolidayYear } from "../time/holiday-coverage.js";
import { importedHolidaysPath, loadHolidayData } from "../time/holidays.js";
import { createTaskCalendar, type TaskCalendar } from "../time/task-calendar.js";
import type { ConfigSource } from "../config/config-source.js";
import { findConfigWarnings } from "../config/find-config-warnings.js";
import { formatProblems } from "../config/format-problems.js";
import type { LoadedConfig } from "../config/load-config.js";
import type { RedisCheck } from "../main/service-redis.js";
import { text } from "../config/messages.js";
import { ErrorCode, hasCode } from "../errors.js";
import { findRefusedExamples } from "../features/check-in/check-kind-examples.js";
import { toLocalDate } from "../time/local-time.js";

export interface CheckConfigOptions {
  /** The YAML file (e.g. `config/pingan.yaml`) and the environment its `${NAME}` references read. */
  source: ConfigSource;
  /** The instant the calendar warnings are about (PINGAN_NOW or the real time). */
  now: Date;
  /** What checkServiceRedis found of the Redis the service will use: a Redis below 7 is a problem. */
  redis?: RedisCheck;
  /** Where the report goes, one line per call. */
  out(line: string): void;
}

/**
 * `pingan check-config`: loads the config, roster and holiday data (bundled and imported) and
 * prints either a short summary or every problem of them all, in one run: the holiday files are
 * checked even when the config is not valid. A year whose holiday notice is due but not
 * imported, and what findConfigWarnings finds, are warnings, not problems; a Redis below 7
 * (`redis`) is one, said last. Returns the process exit code (0 valid, 1 invalid).
 */
export async function checkConfig({ source, now, redis, out }: CheckConfigOptions): Promise<number> {
  const { path } = source;
  let loaded: LoadedConfig | undefined;
  let configProblems = "";
  let count = 0;
  try {
    loaded = await source.load();
  } catch (error) {
    if (!hasCode(error, ErrorCode.ConfigInvalid)) throw error;
    configProblems = formatProblems(error.details.problems);
    count = error.details.problems.length;
  }
  let calendar: TaskCalendar | undefined;
  let calendarProblems: readonly string[] = [];
  try {
    // The calendar of a valid config reads the holiday files itself; without one they are read alone.
    if (loaded) calendar = await createTaskCalendar(loaded.config, { configPath: path });
    else await loadHolidayData({ imported: importedHolidaysPath(path) });
  } catch (error) {
    if (!hasCode(error, ...CALENDAR_CODES)) throw error;
    calendarProblems = error.details.problems;
  }
  if (!loaded || !calendar) {
    out(text.problemsHeader(count + calendarProblems.length));
    for (const line of [...(configProblems ? configProblems.split("\n") : []), ...calendarProblems]) out(line);
    if (redis) out("problem" in redis ? redis.problem : text.warning(redis.warning));
    return 1;
  }
  const { config, roster, notes } = loaded;
  // Each declared kind's examples must record, as help shows them to principals.
  const refused = findRefusedExamples(loaded, toLocalDate(now, config.timezone));
  if (refused.length > 0) {
    out(text.problemsHeader(refused.length));
    for (const line of formatProblems(refused).split("\n")) out(line);
    return 1;
  }
  // Two counties may each have a 城关片区: an area is known by its path.
  const areas = new Set(roster.schools.map(areaKey));
  const reporters = new Set(roster.schools.flatMap((school) => school.reporters));
  const tasks = Object.values(config.tasks).filter((task) => task?.enabled).map((task) => task!.name);
  out(text.checkPassed(path));
  out(text.checkSummary(roster.schools.length, areas.size, reporters.size, Object.keys(config.groups).length, tasks));
  for (const note of notes) out(note);
  for (const line of findConfigWarnings(config, roster)) out(line);
  for (const year of calendar.missingHolidayYears(now)) out(text.warning(formatMissingHolidayYear(year)));
  if (redis) out("problem" in redis ? redis.problem : text.warning(redis.warning));
  return redis && "problem" in redis ? 1 : 0;
}
