import type { Roster } from "../config/roster.js";
import type { Config } from "../config/schema.js";
import type { LoadedConfig } from "../config/load-config.js";
import { connectRedis, waitReady, type RedisClient } from "../store/connect-redis.js";
import { createExemptionStore, type ExemptionStore } from "../store/exemptions.js";
import { createKeys, type Keys } from "../store/keys.js";
import { createReportStore, type ReportStore } from "../store/reports.js";
import { createIncidentStore, type IncidentStore } from "../store/incidents.js";
import { readRosterDays, withJoinedDays } from "../store/roster-days.js";
import type { Clock } from "../clock/clock.js";
import { createTaskCalendar, type TaskCalendar } from "../time/task-calendar.js";
import { openServiceRedis } from "./service-redis.js";
import { clockOf, type Settings } from "./settings.js";

/**
 * The service's records as a one-shot command reads them (`pingan export`, `pingan verify-aggregates`):
 * the config, the calendar and the roster as the service owes them, and the stores on its Redis.
 */
export interface Records {
  config: Config;
  /** With each school's day of joining, as the service recorded it. */
  roster: Roster;
  /** From the service's first day: nothing is owed before it. */
  calendar: TaskCalendar;
  clock: Clock;
  /** The Redis the records were opened on, for a process of their own to open too (`pingan export`). */
  url: string;
  redis: RedisClient;
  keys: Keys;
  reports: ReportStore;
  exemptions: ExemptionStore;
  incidents: IncidentStore;
  close(): Promise<void>;
}

/**
 * Loads the config, then opens the Redis the service uses: to read, a copy of the embedded
 * data; to write (`write`), the service's own server (see openServiceRedis). Records nothing.
 */
export async function openRecords(
  settings: Settings,
  { write = false, say, loaded: given }: { write?: boolean; say?: (line: string) => void; loaded?: LoadedConfig } = {},
): Promise<Records> {
  // A command that checked its arguments against the config first (`pingan export --task`) hands it over.
  const loaded = given ?? (await settings.config.load());
  const { config } = loaded;
  const service = await openServiceRedis(settings, { access: write ? "share" : "copy", ...(say && { say }) });
  const redis = connectRedis(service.url, { role: "web" });
  try {
    await waitReady(redis);
    const keys = createKeys();
    const days = await readRosterDays(redis, keys);
    return {
      config,
      roster: withJoinedDays(loaded.roster, days),
      calendar: await createTaskCalendar(config, { configPath: settings.config.path, liveSince: days.liveSince }),
      clock: clockOf(settings),
      url: service.url,
      redis,
      keys,
      reports: createReportStore({ redis, keys }),
      exemptions: createExemptionStore({ redis, keys }),
      incidents: createIncidentStore({ redis, keys }),
      async close() {
        redis.disconnect();
        await service.close();
      },
    };
  } catch (error) {
    redis.disconnect();
    await service.close();
    throw error;
  }
}
