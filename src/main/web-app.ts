import type { Queue } from "bullmq";
import Koa from "koa";
import type { Logger } from "pino";
import type { Dispatcher } from "../bot/dispatch.js";
import { DEFAULT_BOT, type HostedBot } from "../config/list-bots.js";
import type { Roster } from "../config/roster.js";
import type { Config } from "../config/schema.js";
import { answerPageFailures } from "../features/board/answer-page-failure.js";
import { BOARD_PATH } from "../features/board/board-links.js";
import { createBoardRouter } from "../features/board/board-route.js";
import { exportPath } from "../features/ledger/export-links.js";
import { createExportRouter } from "../features/ledger/export-route.js";
import { createLedgerExporter } from "./run-ledger-export.js";
import { createHealthRouter } from "../ops/health.js";
import type { Metrics } from "../ops/metrics.js";
import { createMetricsRouter } from "../ops/metrics-route.js";
import { createQueueDashboard } from "../ops/queue-dashboard.js";
import type { RedisClient } from "../store/connect-redis.js";
import type { ExemptionStore } from "../store/exemptions.js";
import type { Keys } from "../store/keys.js";
import type { ReportStore } from "../store/reports.js";
import type { IncidentStore } from "../store/incidents.js";
import type { Clock } from "../clock/clock.js";
import type { TaskCalendar } from "../time/task-calendar.js";
import { createCallbackReceiver } from "../wecom/callback-receiver.js";

export interface WebAppDeps {
  config: Config;
  /** The deployment's bots (listBots): each callback bot gets its URL. */
  bots: readonly HostedBot[];
  /** The Redis the ledger export's own process reads. */
  redisUrl: string;
  /** Group id → display name: pages name groups, never their webhook keys. */
  groupNames: Readonly<Record<string, string>>;
  roster: Roster;
  calendar: TaskCalendar;
  clock: Clock;
  /** The web process's fail-fast connection, and the stores on it. */
  redis: RedisClient;
  keys: Keys;
  store: ReportStore;
  exemptions: ExemptionStore;
  /** The incidents: a sheet of the ledger, a section of the board. */
  incidents?: IncidentStore;
  /** The dispatcher answering as bot `id`. */
  dispatcherOf: (bot: string) => Dispatcher;
  /** Queues shown on /healthz, /metrics and the dashboard. */
  queues: readonly Queue[];
  metrics: Metrics;
  log: Logger;
}

/** The web process: the WeCom callback, health, metrics, the dashboard, ledger downloads and the status board; not yet listening. */
export function createWebApp(deps: WebAppDeps): Koa {
  const { config, log, metrics } = deps;
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
  // Each callback bot verifies its own URL with its own Token and key: a callback signed for one bot is refused on another's.
  const callbacks = deps.bots.flatMap((bot) =>
    bot.transport === "callback" && bot.token !== undefined && bot.encodingAESKey !== undefined
      ? [
          createCallbackReceiver({
            dispatcher: deps.dispatcherOf(bot.id),
            token: bot.token,
            encodingAESKey: bot.encodingAESKey,
            maxClockSkewSeconds: bot.maxClockSkewSeconds,
            path: callbackPath(bot.id),
            log: bot.id === DEFAULT_BOT ? log : log.child({ bot: bot.id }),
            ...metrics.callbackOf(bot.id),
            onCommand: metrics.command,
          }),
        ]
      : [],
  );
  const health = createHealthRouter({
    redis: deps.redis,
    keys: deps.keys,
    queues: deps.queues,
    groupNames: deps.groupNames,
    calendar: deps.calendar,
    clock: deps.clock,
    longConnections: deps.bots.filter((bot) => bot.transport === "websocket").map((bot) => bot.id),
  });
  // The callback first: a check-in passes through nothing else (the dashboard looks at every path it is shown).
  for (const callback of callbacks) app.use(callback.routes()).use(callback.allowedMethods());
  app.use(createQueueDashboard({ queues: deps.queues, ...(config.server.admin_token && { adminToken: config.server.admin_token }) }));
  // Ledger downloads and the board read the same data behind signed links; a leader who opens one while it cannot be read is told to try again.
  app.use(answerPageFailures({ paths: [BOARD_PATH, exportPath("xlsx"), exportPath("csv")], log }));
  const pages = { config, roster: deps.roster, store: deps.store, exemptions: deps.exemptions, calendar: deps.calendar, clock: deps.clock, log };
  const withIncidents = { ...pages, ...(deps.incidents && { incidents: deps.incidents }) };
  // A ledger is written in a process of its own, so that a large one cannot hold up the callbacks.
  const exporter = createLedgerExporter({ redisUrl: deps.redisUrl, people: config });
  for (const router of [health, createMetricsRouter(metrics), createExportRouter({ ...pages, exporter }), createBoardRouter(withIncidents)]) {
    app.use(router.routes()).use(router.allowedMethods());
  }
  return app;
}

/** A bot's callback URL path: the single `bot:` keeps `/wecom/callback`; each of `bots:` has `/wecom/<id>/callback`. */
export function callbackPath(bot: string): string {
  return bot === DEFAULT_BOT ? "/wecom/callback" : `/wecom/${bot}/callback`;
}
