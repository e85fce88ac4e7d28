import Koa from "koa";
import type { Cluster, Redis } from "ioredis";
import type { Logger } from "pino";
import { commands } from "../commands/index.js";
import { createBot } from "./bot/create-bot.js";
import { createCommandRegistry } from "./bot/command-registry.js";
import type { Pusher } from "./bot/command.js";
import type { Clock } from "./clock.js";
import type { Config } from "./config/schema.js";
import { createHealthRouter } from "./http/health.js";
import { createWecomCallbackRouter } from "./http/wecom-callback.js";
import type { Keys } from "./redis/keys.js";
import type { Roster } from "./roster.js";
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
  log: Logger;
  /** Real wall clock for the callback replay guard; Date.now by default. */
  realNow?: () => number;
}

/** The composition root of the web process: a Koa app, not yet listening. */
export function createApp(deps: AppDeps): Koa {
  const { config, log } = deps;
  const store = createReportStore({ redis: deps.redis, keys: deps.keys });
  const registry = createCommandRegistry(commands);
  const bot = createBot({ ...deps, store, registry });

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
    ...(deps.realNow && { realNow: deps.realNow }),
  });
  const health = createHealthRouter({ redis: deps.redis });
  for (const router of [callback, health]) app.use(router.routes()).use(router.allowedMethods());
  return app;
}
