import type { Server } from "node:http";
import type { Worker } from "bullmq";
import type Koa from "koa";
import type { Logger } from "pino";
import { createCommands } from "../../commands/index.js";
import { processPushJob } from "../../jobs/index.js";
import { processIncidentJob } from "../../jobs/incident-clocks.js";
import type { JobDeps } from "../../jobs/job-deps.js";
import { createDispatcher, type Dispatcher, type DispatcherDeps } from "../bot/dispatch.js";
import { ErrorCode, hasCode } from "../errors.js";
import { createAlertDigest } from "../features/check-in/alert-digest.js";
import { createCommandRegistry } from "../bot/registry.js";
import type { Roster } from "../config/roster.js";
import type { Config } from "../config/schema.js";
import type { LoadedConfig } from "../config/load-config.js";
import { createMetrics, type Metrics } from "../ops/metrics.js";
import { createPushQueue, type PushQueue, type PushQueueOptions } from "../push/push-queue.js";
import { readPushWarnings } from "../push/push-warnings.js";
import { withDeadline } from "../ops/with-deadline.js";
import { createScheduler, type Scheduler } from "../schedule/scheduler.js";
import { deriveSchedules } from "../schedule/derive-schedules.js";
import { connectRedis, waitReady, type RedisClient } from "../store/connect-redis.js";
import { readServerVersion, requireRedis7 } from "../store/redis-version.js";
import { recountAfterRosterChange, recountStalePeriods } from "../ops/recount-after-roster-change.js";
import { toLocalDate } from "../time/local-time.js";
import { configError } from "../config/config-error.js";
import { findRefusedExamples } from "../features/check-in/check-kind-examples.js";
import { createExemptionStore, type ExemptionStore } from "../store/exemptions.js";
import { createJobLedger } from "../store/job-ledger.js";
import { createKeys, type Keys } from "../store/keys.js";
import { startOutboxSweep } from "../store/outbox-sweep.js";
import { createReplyStore } from "../store/replies.js";
import { createReportStore, type ReportStore } from "../store/reports.js";
import { loadSchoolPlaces } from "../store/school-numbers.js";
import { readRosterDays, recordLiveSince, withJoinedDays } from "../store/roster-days.js";
import { createReminderCooldowns } from "../store/reminders.js";
import { createReminderRecheck } from "../store/reminder-recheck.js";
import { createIncidentStore } from "../store/incidents.js";
import { createIncidentTimers } from "../features/incidents/incident-timers.js";
import { createPrepareIncidentAlert } from "../features/incidents/prepare-incident-alert.js";
import { createQueueIncidentCard } from "../features/incidents/queue-incident-card.js";
import { buildStepPushes } from "../features/incidents/incident-pushes.js";
import { ensureCjkFont, type CjkFont, type CjkFontMissing } from "../features/tallies/find-cjk-font.js";
import { createWeekChartMaker } from "../features/tallies/week-chart-maker.js";
import type { Clock } from "../clock/clock.js";
import { createTaskCalendar, type TaskCalendar } from "../time/task-calendar.js";
import type { BotConnectionTuning } from "../wecom/bot-connection.js";
import { createBotConnections } from "../wecom/bot-connections.js";
import { listBots } from "../config/list-bots.js";
import { createChatDirectory, type ChatDirectory } from "../wecom/chat-directory.js";
import { createBotConversationWindow } from "../push/rate-window.js";
import { createScheduleWorker } from "./schedule-worker.js";
import { openServiceRedis } from "./service-redis.js";
import { clockOf, type Settings } from "./settings.js";
import { createWebApp } from "./web-app.js";

/** How often the workers look for counts a process under another roster left stale. */
const STALE_SWEEP_MS = 60_000;

/** Which parts run in this process (`pingan start --web` / `--workers`; both by default). */
export interface SystemRoles {
  web: boolean;
  workers: boolean;
}

export interface SystemOptions {
  log: Logger;
  /** Progress for a person (starting the embedded Redis). */
  say?: (line: string) => void;
  roles?: SystemRoles;
  /** Overrides settings.now/speed (tests and the demo drive their own clock). */
  clock?: Clock;
  fetch?: typeof globalThis.fetch;
  /** Overrides of the push pipeline's retry and rate limit (tests). */
  pushTuning?: Pick<PushQueueOptions, "retry" | "rateLimit" | "botRateLimit">;
  /** Keep the config's job schedulers in Redis (off where a test or the demo fires jobs itself). */
  schedules?: boolean;
  watchdogMs?: number;
  /** How often the workers relay what outboxes still hold (tests shorten it). */
  outboxSweepMs?: number;
  /**
   * Finds the week chart's CJK font when the workers start; ensureCjkFont (installing
   * fonts-noto-cjk as root on Debian) by default. Tests give a lookup that finds none.
   */
  findFont?: () => CjkFont | CjkFontMissing | Promise<CjkFont | CjkFontMissing>;
  /** Lease and client timings of the long connection (tests). */
  connectionTuning?: BotConnectionTuning;
  /** The config as the command already loaded it (`pingan run` checks its task before any Redis starts). */
  loaded?: LoadedConfig;
}

/** The whole product in one process: built once by createSystem, started and stopped as one. */
export interface System {
  config: Config;
  roster: Roster;
  clock: Clock;
  calendar: TaskCalendar;
  redisUrl: string;
  /** Fails fast when Redis is down (web requests). */
  redis: RedisClient;
  /** Waits for Redis (BullMQ, jobs). */
  workerRedis: RedisClient;
  keys: Keys;
  metrics: Metrics;
  store: ReportStore;
  exemptions: ExemptionStore;
  /** Workers' side of the push pipeline (waits for Redis). */
  pushQueue: PushQueue;
  scheduler: Scheduler;
  /** What scheduled jobs and `pingan run` use. */
  jobDeps: JobDeps;
  dispatcher: Dispatcher;
  chats: ChatDirectory;
  /** Set once started with the web role. */
  url?: string;
  port?: number;
  /** Listens (web role) and starts the workers (workers role). */
  start(): Promise<void>;
  /**
   * Settles when the start-up recount after a roster change (workers role) is over, or at once
   * when there is none: it runs in the background, and a caller that rewrites the counts (a test
   * clearing Redis) waits for it first.
   */
  recounted(): Promise<void>;
  /** Drains the web server, then the workers (active jobs finish, waiting ones stay queued), then closes Redis. */
  stop(): Promise<void>;
}

/**
 * The composition root: loads the config, opens Redis (the embedded one unless REDIS_URL is
 * set) and builds the stores, queues, dispatcher, web app and workers exactly once.
 */
export async function createSystem(settings: Settings, options: SystemOptions): Promise<System> {
  const { log, say = () => {}, fetch = globalThis.fetch } = options;
  const roles = options.roles ?? { web: true, workers: true };
  const loaded = options.loaded ?? (await settings.config.load());
  const { config } = loaded;
  const clock = options.clock ?? clockOf(settings);
  // A declared kind whose examples do not record would teach principals messages that fail.
  const refused = findRefusedExamples(loaded, toLocalDate(clock.now(), config.timezone));
  if (refused.length > 0) throw configError(refused);
  // Below Redis 7 the service cannot run: one line says what to install, and the log says so too.
  const refuseOldRedis = (error: unknown): never => {
    if (hasCode(error, ErrorCode.RedisTooOld)) log.error({ reason: error.message }, "redis too old");
    throw error;
  };
  // A one-shot command (no web, no workers) uses the running service's Redis rather than stopping it.
  const service = await openServiceRedis(settings, { access: roles.web || roles.workers ? "own" : "share", say }).catch(refuseOldRedis);
  const { url: redisUrl, embedded } = service;
  if (embedded) {
    say(
      embedded.shared
        ? `使用正在运行的服务的内置 Redis：${redisUrl}`
        : `已启动内置 Redis：${redisUrl}（数据目录 ${embedded.dataDir}，AOF 每次写入落盘）`,
    );
  }
  const redis = connectRedis(redisUrl, { role: "web", log });
  const workerRedis = connectRedis(redisUrl, { role: "worker", log });
  // The web side's queues on a connection of their own: BullMQ defines its scripts as commands on
  // the connection it is given, and ioredis copies every one into each pipeline made on that
  // connection, so a check-in's one pipeline cost more than its record.
  const webQueueRedis = connectRedis(redisUrl, { role: "web", log });
  try {
    await Promise.all([waitReady(redis), waitReady(workerRedis), waitReady(webQueueRedis)]);
    requireRedis7(await readServerVersion(workerRedis), settings.redisUrl ? "external" : "embedded");
  } catch (error) {
    redis.disconnect();
    workerRedis.disconnect();
    webQueueRedis.disconnect();
    await service.close();
    refuseOldRedis(error);
  }
  const keys = createKeys();
  // Nothing is owed before the service's first day, nor by a school before it joined the roster.
  const today = toLocalDate(clock.now(), config.timezone);
  const liveSince = await recordLiveSince(workerRedis, keys, today);
  // Each school's bit in the periods' reported bitmaps, numbered once (new schools get new numbers, and their day of joining).
  const places = await loadSchoolPlaces(workerRedis, keys, loaded.roster.schools, today);
  const roster = withJoinedDays(loaded.roster, await readRosterDays(workerRedis, keys));
  const calendar = await createTaskCalendar(config, { configPath: settings.config.path, liveSince });
  const metrics = createMetrics();
  // The group chats the bot has seen on the long connection (pingan chats), each with its last speaker.
  const chats = createChatDirectory({ redis, keys, clock });
  // Queued alerts merge into one message of each school's current status, read on the workers' connection.
  const incidentStore = createIncidentStore({ redis: workerRedis, keys });
  const mergeAlerts = createAlertDigest({ store: createReportStore({ redis: workerRedis, keys, places }), incidents: incidentStore, roster, config });
  const bots = listBots(config);
  // Each bot on the long connection: whichever process holds its lease answers, and sends the pushes to its groups via: bot.
  const botConnection = createBotConnections({ bots, groups: config.groups, url: settings.wecomWsUrl, redisUrl, redis, workerRedis, keys, log, chats, window: createBotConversationWindow(redis, keys, options.pushTuning?.botRateLimit), onReplyDropped: metrics.replyGivenUp, onFrameRefused: metrics.frameRefused, onCommand: metrics.command, ...options.connectionTuning });
  const pushOptions = { keys, groups: config.groups, apiBase: settings.wecomApiBase, fetch, log, clock, metrics: metrics.push, mergeAlerts, retentionDays: config.limits.history_days, ...(botConnection && { viaBot: botConnection.viaBot }), ...options.pushTuning };
  // A reminder that waited for the rate window names only the schools still missing when it goes out.
  const settled = createReminderRecheck({ redis: workerRedis, keys });
  // The web process enqueues on a fail-fast connection so that a callback never hangs on Redis.
  const webPushQueue = createPushQueue({ connection: webQueueRedis, ...pushOptions });
  // Incidents: the alert job opens them (and numbers the alert); their clocks run on the workers.
  const incidentTimers = createIncidentTimers({ connection: workerRedis, prefix: keys.bullPrefix(), deps: { config, calendar, clock } });
  const prepareAlert = createPrepareIncidentAlert({ config, store: createReportStore({ redis: workerRedis, keys, places }), incidents: incidentStore, timers: incidentTimers, clock });
  const alertDelivered = createQueueIncidentCard({ config, roster, incidents: incidentStore, enqueue: async (push) => void (await pushQueue.enqueue(push)) });
  const pushQueue = createPushQueue({ connection: workerRedis, ...pushOptions, settled, prepareAlert, alertDelivered });
  const webIncidents = createIncidentStore({ redis, keys });
  const webIncidentTimers = createIncidentTimers({ connection: webQueueRedis, prefix: keys.bullPrefix(), deps: { config, calendar, clock } });
  const scheduler = createScheduler({ connection: workerRedis, entries: deriveSchedules(config), log, prefix: keys.bullPrefix() });
  const store = createReportStore({ redis: workerRedis, keys, places, enqueue: pushQueue.enqueue, log });
  const exemptions = createExemptionStore({ redis: workerRedis, keys });
  const cooldowns = createReminderCooldowns({ redis: workerRedis, keys });
  const chart = createWeekChartMaker({ redis: workerRedis, keys, log, clock });
  const jobDeps: JobDeps = {
    ...{ config, roster, store, exemptions, calendar, push: pushQueue, jobs: createJobLedger({ redis: workerRedis, keys }), cooldowns, log, chart },
    ...(embedded && { rewriteAof: async () => void (await workerRedis.bgrewriteaof()) }),
  };
  const groupNames = Object.fromEntries(Object.entries(config.groups).map(([id, group]) => [id, group.name]));
  // The web side reads and writes on the fail-fast connection: a callback never hangs on Redis.
  const webStore = createReportStore({ redis, keys, places, enqueue: webPushQueue.enqueue, log });
  const webExemptions = createExemptionStore({ redis, keys });
  const answering: Omit<DispatcherDeps, "config"> = {
    roster,
    calendar,
    clock,
    log,
    store: webStore,
    exemptions: webExemptions,
    replies: createReplyStore({ redis, keys }),
    push: webPushQueue,
    cooldowns: createReminderCooldowns({ redis, keys }),
    incidents: {
      ...webIncidents,
      schedule: webIncidentTimers.schedule,
      tell: async (incident, step, shown) => {
        for (const push of buildStepPushes({ config, roster, incident, step, ...(shown && { shown }) })) await webPushQueue.enqueue(push);
      },
    },
    registry: createCommandRegistry(createCommands(config)),
    warnings: async () => {
      const read = await withDeadline(readPushWarnings(redis, keys, groupNames, clock.now()), 300);
      return read.ok ? read.value : [];
    },
  };
  const dispatcher = createDispatcher({ config, ...answering });
  // Each bot answers by its own name: the mention it strips, the name its replies give.
  const dispatchers = new Map(bots.map((bot) => [bot.id, bot.name === config.bot.name ? dispatcher : createDispatcher({ config: { ...config, bot: { ...config.bot, name: bot.name } }, ...answering })]));
  const dispatcherOf = (bot: string) => dispatchers.get(bot) ?? dispatcher;

  let server: Server | undefined;
  const workers: Worker[] = [];
  let stopSweep: (() => Promise<void>) | undefined;
  let recounting: Promise<unknown> = Promise.resolve();
  let staleSweep: NodeJS.Timeout | undefined;
  const system: System = {
    config,
    roster,
    clock,
    calendar,
    redisUrl,
    redis,
    workerRedis,
    keys,
    metrics,
    store,
    exemptions,
    pushQueue,
    scheduler,
    jobDeps,
    dispatcher,
    chats,
    async start() {
      botConnection?.start(dispatcherOf);
      if (roles.workers) {
        // Once, before any job draws: the chart is rendered on the workers, never on the web path.
        await chart.useFont(await (options.findFont ?? (() => ensureCjkFont({ say })))());
        workers.push(pushQueue.startWorker(processPushJob));
        workers.push(incidentTimers.startWorker(processIncidentJob({ config, roster, incidents: incidentStore, push: pushQueue, timers: incidentTimers, clock, log }), log));
        if (options.schedules !== false) {
          await scheduler.sync();
          scheduler.startWatchdog(options.watchdogMs);
        }
        workers.push(createScheduleWorker({ connection: workerRedis, deps: jobDeps, log, prefix: keys.bullPrefix() }));
        stopSweep = startOutboxSweep({ store, mailboxes: pushQueue, calendar, clock, timeZone: config.timezone, log, ...(options.outboxSweepMs && { everyMs: options.outboxSweepMs }) });
        // The counts 汇总 reads are kept by area: after a roster change they are recounted, in the background;
        // then, each minute, the periods a process still under another roster marked stale.
        const recountDeps = () => ({ redis: workerRedis, keys, places, reports: store, calendar, schools: roster.schools, log, today: toLocalDate(clock.now(), config.timezone) });
        recounting = recountAfterRosterChange(recountDeps()).catch((error: unknown) =>
          log.warn({ err: error }, "recount after a roster change failed; run pingan verify-aggregates --repair"),
        );
        staleSweep = setInterval(() => {
          recounting = recounting
            .then(() => recountStalePeriods(recountDeps()))
            .catch((error: unknown) => log.warn({ err: error }, "recount of stale counts failed; it is tried again in a minute"));
        }, STALE_SWEEP_MS);
      }
      if (roles.web) {
        const app: Koa = createWebApp({
          ...{ config, bots, groupNames, roster, calendar, clock, redis, redisUrl, keys, metrics, dispatcherOf, log },
          store: webStore,
          exemptions: webExemptions,
          incidents: webIncidents,
          queues: [pushQueue.queue, scheduler.queue, incidentTimers.queue],
        });
        server = await new Promise<Server>((done) => {
          const s = app.listen(settings.port, settings.host, () => done(s));
        });
        const address = server.address();
        if (typeof address === "object" && address) {
          system.port = address.port;
          system.url = `http://127.0.0.1:${address.port}`;
        }
      }
      log.info({ port: system.port, roles, schools: roster.schools.length }, roles.web ? "service listening" : "workers running");
    },
    async recounted() {
      await recounting;
    },
    async stop() {
      await botConnection?.stop();
      if (server) {
        const closed = new Promise<void>((done) => server!.close(() => done()));
        server.closeIdleConnections();
        await closed;
      }
      await stopSweep?.();
      clearInterval(staleSweep);
      await recounting;
      await Promise.all(workers.map((worker) => worker.close()));
      await pushQueue.close();
      await webPushQueue.close();
      await incidentTimers.close();
      await webIncidentTimers.close();
      await scheduler.close();
      redis.disconnect();
      workerRedis.disconnect();
      webQueueRedis.disconnect();
      await service.close();
      log.info("stopped");
    },
  };
  return system;
}

/** createSystem, then start: what `pingan start`, the demo and the tests run. */
export async function startSystem(settings: Settings, options: SystemOptions): Promise<System> {
  const system = await createSystem(settings, options);
  try {
    await system.start();
  } catch (error) {
    await system.stop();
    throw error;
  }
  return system;
}
