import { Redis, type RedisOptions } from "ioredis";
import type { Logger } from "pino";

export interface RedisConnectOptions {
  /**
   * Fail fast: a web request must answer "稍后再试" within seconds when Redis is down, not wait
   * in ioredis's offline queue. Workers (BullMQ) want the opposite: `maxRetriesPerRequest: null`.
   */
  role: "web" | "worker";
  /** Connection errors are logged here (ioredis reconnects by itself). */
  log?: Pick<Logger, "warn">;
}

/** Opens a connection to `url` with the settings its role needs. */
export function connectRedis(url: string, { role, log }: RedisConnectOptions): Redis {
  const options: RedisOptions =
    role === "web"
      ? { maxRetriesPerRequest: 1, enableOfflineQueue: false, commandTimeout: 2000, connectTimeout: 2000 }
      : { maxRetriesPerRequest: null, enableReadyCheck: false };
  const redis = new Redis(url, { ...options, retryStrategy: (times) => Math.min(times * 200, 2000) });
  let lastLogged = 0;
  redis.on("error", (error: Error) => {
    // While Redis is down ioredis retries every 2 s: one log line a minute is enough.
    if (Date.now() - lastLogged < 60_000) return;
    lastLogged = Date.now();
    log?.warn({ role, error: error.message }, "redis connection error");
  });
  return redis;
}

/** Resolves once the connection is ready; rejects after `timeoutMs`. */
export function waitReady(redis: Redis, timeoutMs = 10_000): Promise<void> {
  if (redis.status === "ready") return Promise.resolve();
  return new Promise((done, fail) => {
    const timer = setTimeout(() => fail(new Error(`Redis not ready after ${timeoutMs} ms`)), timeoutMs);
    redis.once("ready", () => {
      clearTimeout(timer);
      done();
    });
  });
}
