import Router from "koa-router";
import type { Cluster, Redis } from "ioredis";
import { readPushStatus } from "../push/push-status.js";
import type { Keys } from "../store/keys.js";
import type { Clock } from "../time/clock.js";
import { formatMissingHolidayYear } from "../time/holiday-coverage.js";
import type { TaskCalendar } from "../time/task-calendar.js";
import type { QueueDepthSource } from "./metrics.js";

export interface HealthOptions {
  redis: Redis | Cluster;
  keys: Keys;
  queues: readonly QueueDepthSource[];
  /** Group id → display name, so the page names groups, never their webhook keys. */
  groupNames: Record<string, string>;
  /** For the holiday years whose notice is due but not imported, as of the clock's now. */
  calendar: Pick<TaskCalendar, "missingHolidayYears">;
  clock: Clock;
}

/**
 * `GET /healthz`: 200 when Redis answers, 503 otherwise; queue depths, the last push per group,
 * and the calendar. A holiday notice that is due but not imported is a `warning` under
 * `calendar`, not a failure: the status stays `ok` (the service runs on the statutory days).
 */
export function createHealthRouter({ redis, keys, queues, groupNames, calendar, clock }: HealthOptions): Router {
  const router = new Router();
  router.get("/healthz", async (ctx) => {
    const started = Date.now();
    try {
      await redis.ping();
    } catch (error) {
      ctx.status = 503;
      ctx.body = { status: "down", redis: { ok: false, error: (error as Error).message } };
      return;
    }
    const redisMs = Date.now() - started;
    const queueCounts: Record<string, Record<string, number>> = {};
    for (const queue of queues) {
      queueCounts[queue.name] = await queue.getJobCounts("waiting", "delayed", "active", "failed");
    }
    const pushes = await readPushStatus(redis, keys);
    const missingYears = calendar.missingHolidayYears(clock.now());
    ctx.body = {
      status: "ok",
      redis: { ok: true, ms: redisMs },
      queues: queueCounts,
      pushes: Object.fromEntries(
        Object.entries(groupNames).map(([id, name]) => [id, { name, ...(pushes[id] ?? { sent: 0, retried: 0, failed: 0 }) }]),
      ),
      calendar:
        missingYears.length === 0
          ? { status: "ok" }
          : { status: "warning", missing_holiday_years: missingYears, warnings: missingYears.map(formatMissingHolidayYear) },
    };
  });
  return router;
}
