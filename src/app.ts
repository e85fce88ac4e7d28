import type { Queue } from "bullmq";
import Koa from "koa";
import type { Cluster, Redis } from "ioredis";
import type { Logger } from "pino";
import { commands } from "../commands/index.js";
import { createBot } from "./bot/create-bot.js";
import { createCommandRegistry } from "./bot/command-registry.js";
import type { Pusher } from "./bot/command.js";
import type { Clock } from "./clock.js";
import type { Config } from "./config/schema.js";
import { createExportRouter } from "./http/export-route.js";
import { createHealthRouter } from "./http/health.js";
import { createMetricsRouter } from "./http/metrics-route.js";
import { createQueueDashboard } from "./http/queue-dashboard.js";
import type { Metrics } from "./metrics.js";
import { createWecomCallbackRouter } from "./http/wecom-callback.js";
import type { Keys } from "./redis/keys.js";
import type { Roster } from "./roster.js";
import { createExemptionStore } from "./store/exemption-store.js";
import { createReportStore } from "./store/report-store.js";
import type { TaskPeriods } from "./tasks/task-periods.js";

export interface AppDeps {
  config: Config;
  roster: Roster;
  redis: Redis | Cluster;
  keys: Keys;
  clock: Clock;
  periods: TaskPeriods;
  /** Where pushes (alerts, reminders on demand) are queued. */
  push: Pusher;
  /** Queues shown on /healthz, /metrics and the dashboard. */
  queues: readonly Queue[];
  metrics: Metrics;
  log: Logger;
  /** Real wall clock for the callback replay guard; Date.now by default. */
  realNow?: () => number;
}

/** The composition root of the web process: a Koa app, not yet listening. */
export function createApp(deps: AppDeps): Koa {
  const { config, log } = deps;
  const store = createReportStore({ redis: deps.redis, keys: deps.keys });
  const registry = createCommandRegistry(commands);
  const exemptions = createExemptionStore({ redis: deps.redis, keys: deps.keys });
  const { metrics } = deps;
  const bot = createBot({ ...deps, store, exemptions, registry, onCommand: metrics.command });
  for (const queue of deps.queues) metrics.watchQueue(queue);

  const app = new Koa();
  app.use(async function handleErrors(ctx, next) {
    try {
      await next();
    } catch (error) {
      log.error({ err: error, path: ctx.path }, "request failed");
      ctx.status = 500;
      ctx.type = "text/plain";
      ctx.body = "internal error";
    }
  });
  const callback = createWecomCallbackRouter({
    bot,
    token: config.bot.token,
    encodingAESKey: config.bot.encoding_aes_key,
    maxClockSkewSeconds: config.bot.max_clock_skew_seconds,
    log,
    onOutcome: metrics.callback,
    onReplied: metrics.observeReply,
    ...(deps.realNow && { realNow: deps.realNow }),
  });
  const health = createHealthRouter({
    redis: deps.redis,
    keys: deps.keys,
    queues: deps.queues,
    groupNames: Object.fromEntries(Object.entries(config.groups).map(([id, g]) => [id, g.name])),
  });
  app.use(createQueueDashboard({ queues: deps.queues, ...(config.server.admin_token && { adminToken: config.server.admin_token }) }));
  const ledger = createExportRouter({ config, roster: deps.roster, store, exemptions, periods: deps.periods, clock: deps.clock, log });
  for (const router of [callback, health, createMetricsRouter(metrics), ledger]) app.use(router.routes()).use(router.allowedMethods());
  return app;
}
