import Router from "koa-router";
import type { Cluster, Redis } from "ioredis";
import { keysForBot, type Keys } from "../store/keys.js";
import { DEFAULT_BOT } from "../config/list-bots.js";
import type { Clock } from "../clock/clock.js";
import { formatMissingHolidayYear } from "../time/holiday-coverage.js";
import type { TaskCalendar } from "../time/task-calendar.js";
import type { QueueDepthSource } from "./metrics.js";
import { withDeadline, type Bounded } from "./with-deadline.js";
import { listPushWarnings } from "../push/push-warnings.js";
import { readLateAlerts, readPushStatus } from "../push/delivery-log.js";
import { readChartStatus } from "../features/tallies/week-chart-maker.js";
import { scheduleText } from "../features/tallies/tally-text.js";
import { readConnectionStatus, type ConnectionHealth } from "../wecom/connection-status.js";

export interface HealthOptions {
  redis: Redis | Cluster;
  keys: Keys;
  queues: readonly QueueDepthSource[];
  /** Group id → display name, so the page names groups, never their webhook keys. */
  groupNames: Record<string, string>;
  /** For the holiday years whose notice is due but not imported, as of the clock's now. */
  calendar: Pick<TaskCalendar, "missingHolidayYears">;
  clock: Clock;
  /** The bots on the long connection: the page shows each one's (connected, holder, since, reconnects); the single `bot:` as `connection`. */
  longConnections?: readonly string[];
}

/** What /healthz says while no process holds a live long connection. */
const NOT_CONNECTED = "企业微信长连接未连接：群里的消息暂时收不到，推送在 Redis 里等待，连上后发出";

/** How long each read of /healthz may take: the page answers within 1.5 s whatever Redis does. */
const READ_MS = 400;

/**
 * `GET /healthz`: `ok`, `degraded` (Redis refuses writes, or pushes to a group fail for good
 * until one succeeds) with 200, or `down` with 503 when Redis does not answer. Queue depths,
 * the last push per group and the calendar; a holiday notice that is due but not imported is a
 * `warning` under `calendar`, not a failure; so is a week chart the workers cannot draw (no CJK
 * font, or the last drawing failed: `chart.ok` false with the reason), since the text of the
 * tally and the roll-up still goes. Every read is bounded, and one that did not answer
 * says so instead of holding the page. On the long connection, `connection` says whether a
 * process holds it live (otherwise the service is `degraded`).
 */
export function createHealthRouter({ redis, keys, queues, groupNames, calendar, clock, longConnections = [] }: HealthOptions): Router {
  const router = new Router();
  router.get("/healthz", async (ctx) => {
    const started = performance.now();
    const ping = await withDeadline(redis.ping(), READ_MS);
    if (!ping.ok) {
      ctx.status = 503;
      ctx.body = { status: "down", redis: { ok: false, error: ping.error } };
      return;
    }
    const redisMs = Math.round(performance.now() - started);
    // A write that Redis refuses (maxmemory) means no report can be recorded: say it here.
    const now = clock.now();
    const [connections, write, pushes, late, chart, ...counts] = await Promise.all([
      Promise.all(longConnections.map((bot) => withDeadline(readConnectionStatus(redis, keysForBot(keys, bot)), READ_MS))),
      withDeadline(redis.set(keys.healthProbe(), clock.now().toISOString(), "PX", 60_000), READ_MS),
      withDeadline(readPushStatus(redis, keys), READ_MS),
      withDeadline(readLateAlerts(redis, keys, now), READ_MS),
      withDeadline(readChartStatus(redis, keys), READ_MS),
      ...queues.map((queue) => withDeadline(queue.getJobCounts("waiting", "delayed", "active", "failed"), READ_MS)),
    ]);
    const problems: string[] = [];
    if (!write.ok) problems.push(`Redis 拒绝写入：${write.error}`);
    const pushStatus = pushes.ok ? pushes.value : {};
    problems.push(...listPushWarnings(pushStatus, groupNames, { alerts: late.ok ? late.value : [], now }));
    connections.forEach((connection, i) => {
      if (!(connection.ok && connection.value.connected)) problems.push(longConnections[i] === DEFAULT_BOT ? NOT_CONNECTED : `${longConnections[i]}：${NOT_CONNECTED}`);
    });
    const single = longConnections.length === 1 && longConnections[0] === DEFAULT_BOT;
    const missingYears = calendar.missingHolidayYears(now);
    ctx.body = {
      status: problems.length > 0 ? "degraded" : "ok",
      ...(problems.length > 0 && { problems }),
      redis: { ok: true, ms: redisMs, writable: write.ok },
      ...(single && { connection: read<ConnectionHealth>(connections[0]!) }),
      ...(!single && longConnections.length > 0 && { connections: Object.fromEntries(longConnections.map((bot, i) => [bot, read<ConnectionHealth>(connections[i]!)])) }),
      queues: Object.fromEntries(queues.map((queue, i) => [queue.name, read(counts[i]!)])),
      pushes: pushes.ok
        ? Object.fromEntries(
            Object.entries(groupNames).map(([id, name]) => [id, { name, ...(pushStatus[id] ?? { sent: 0, retried: 0, failed: 0 }) }]),
          )
        : { unread: pushes.error },
      calendar:
        missingYears.length === 0
          ? { status: "ok" }
          : { status: "warning", missing_holiday_years: missingYears, warnings: missingYears.map(formatMissingHolidayYear) },
      chart: chart.ok ? (chart.value ?? { ok: false, reason: scheduleText.chartNotReady }) : { unread: chart.error },
    };
  });
  return router;
}

function read<T>(bounded: Bounded<T>): T | { unread: string } {
  return bounded.ok ? bounded.value : { unread: bounded.error };
}
