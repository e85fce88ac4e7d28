import type { Server } from "node:http";
import type { Worker } from "bullmq";
import { createApp } from "./app.js";
import type { Clock } from "./clock.js";
import { openRuntime, type Runtime, type RuntimeOptions } from "./runtime.js";
import { createScheduleWorker } from "./schedule/schedule-worker.js";

export type { ServiceEnv } from "./runtime.js";

/** Which parts run in this process (`pingan start --web` / `--workers`; both by default). */
export interface ServiceRoles {
  web: boolean;
  workers: boolean;
}

export interface Service {
  /** Base URL of the web server (undefined for a workers-only process). */
  url?: string;
  port?: number;
  redisUrl: string;
  clock: Clock;
  /** The shared parts (config, stores, queues), for the demo and tests. */
  runtime: Runtime;
  /** Drains the web server, then the workers (active jobs finish, waiting ones stay queued). */
  stop(): Promise<void>;
}

/**
 * Starts the service: the web server (WeCom callback, health, metrics, dashboard) and/or the
 * workers (push delivery, scheduled jobs with their schedulers kept in sync).
 */
export async function startService(
  options: RuntimeOptions & {
    roles?: ServiceRoles;
    watchdogMs?: number;
    /** Keep the config's job schedulers in Redis (off where a test or the demo fires jobs itself). */
    schedules?: boolean;
  },
): Promise<Service> {
  const { env, log } = options;
  const roles = options.roles ?? { web: true, workers: true };
  const rt = await openRuntime(options);
  const workers: Worker[] = [];
  if (roles.workers) {
    workers.push(rt.pushQueue.startWorker());
    if (options.schedules !== false) {
      await rt.scheduler.sync();
      rt.scheduler.startWatchdog(options.watchdogMs);
    }
    workers.push(createScheduleWorker({ connection: rt.workerRedis, deps: rt.jobDeps, log }));
  }
  let server: Server | undefined;
  let port: number | undefined;
  if (roles.web) {
    const app = createApp({
      config: rt.config,
      roster: rt.roster,
      redis: rt.redis,
      keys: rt.keys,
      clock: rt.clock,
      periods: rt.periods,
      push: rt.webPushQueue,
      queues: [rt.pushQueue.queue, rt.scheduler.queue],
      metrics: rt.metrics,
      log,
    });
    server = await new Promise<Server>((done) => {
      const s = app.listen(Number(env.PORT ?? 8080), env.HOST ?? "0.0.0.0", () => done(s));
    });
    const address = server.address();
    port = typeof address === "object" && address ? address.port : undefined;
  }
  log.info({ port, roles, schools: rt.roster.schools.length }, roles.web ? "service listening" : "workers running");
  return {
    ...(port !== undefined && { url: `http://127.0.0.1:${port}`, port }),
    redisUrl: rt.redisUrl,
    clock: rt.clock,
    runtime: rt,
    async stop() {
      if (server) {
        const closed = new Promise<void>((done) => server!.close(() => done()));
        server.closeIdleConnections();
        await closed;
      }
      await Promise.all(workers.map((worker) => worker.close()));
      await rt.close();
      log.info("stopped");
    },
  };
}
