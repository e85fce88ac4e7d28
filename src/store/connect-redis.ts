import { Cluster, Redis, ReplyError, type ClusterNode, type RedisOptions } from "ioredis";
import type { Logger } from "pino";

/** A single Redis or a Redis Cluster: every key the product uses carries a hash tag. */
export type RedisClient = Redis | Cluster;

export interface RedisConnectOptions {
  /**
   * Fail fast: a web request must answer "稍后再发" within 2 s when Redis is down, not wait
   * in ioredis's offline queue. Workers (BullMQ) want the opposite: `maxRetriesPerRequest: null`.
   */
  role: "web" | "worker";
  /** Connection errors are logged here (ioredis reconnects by itself). */
  log?: Pick<Logger, "warn">;
}

const CLUSTER_SCHEME = /^rediss?\+cluster:\/\//;

/**
 * Opens a connection to `url` with the settings its role needs. `redis://host:port` is one
 * server; `redis+cluster://[:password@]host1:7000,host2:7001,…` is a Redis Cluster, reached
 * through any of the listed nodes.
 */
export function connectRedis(url: string, { role, log }: RedisConnectOptions): RedisClient {
  // A hung Redis (open connection, no answers) is only noticed by the command timeout: it must
  // leave the callback room to seal its reply inside WeCom's 2 s, so it is 1 s, not 2.
  // No auto-pipelining: it saved a few socket writes under load, but with Redis hung a check-in
  // waited two command timeouts, not one, past WeCom's 2 s (test/survival/redis-outage.test.ts).
  const options: RedisOptions =
    role === "web"
      ? { maxRetriesPerRequest: 1, enableOfflineQueue: false, commandTimeout: 1000, connectTimeout: 2000 }
      : { maxRetriesPerRequest: null, enableReadyCheck: false };
  const retryStrategy = (times: number) => Math.min(times * 200, 2000);
  let redis: RedisClient;
  if (CLUSTER_SCHEME.test(url)) {
    const { nodes, password, tls } = parseClusterUrl(url);
    redis = new Cluster(nodes, {
      redisOptions: { ...options, ...(password && { password }), ...(tls && { tls: {} }) },
      enableOfflineQueue: role !== "web",
      clusterRetryStrategy: retryStrategy,
    });
  } else {
    redis = new Redis(url, { ...options, retryStrategy });
  }
  let lastLogged = -Infinity;
  redis.on("error", (error: Error) => {
    // While Redis is down ioredis retries every 2 s: one log line a minute is enough.
    if (performance.now() - lastLogged < 60_000) return;
    lastLogged = performance.now();
    log?.warn({ role, error: error.message }, "redis connection error");
  });
  return redis;
}

/** The seed nodes of a `redis+cluster://` URL. */
export function parseClusterUrl(url: string): { nodes: ClusterNode[]; password?: string; tls: boolean } {
  const tls = url.startsWith("rediss+");
  const rest = url.replace(CLUSTER_SCHEME, "");
  const at = rest.lastIndexOf("@");
  const auth = at >= 0 ? rest.slice(0, at) : "";
  const hosts = (at >= 0 ? rest.slice(at + 1) : rest).replace(/\/.*$/, "");
  const nodes = hosts.split(",").map((hostPort) => {
    const [host = "127.0.0.1", port = "6379"] = hostPort.trim().split(":");
    return { host, port: Number(port) };
  });
  if (nodes.length === 0 || nodes.some((n) => !n.host || !Number.isInteger(n.port))) {
    throw new Error(`REDIS_URL 集群地址写法：redis+cluster://主机1:7000,主机2:7001（收到 ${url.replace(/\/\/[^@]*@/, "//***@")}）`);
  }
  const password = auth.includes(":") ? decodeURIComponent(auth.slice(auth.indexOf(":") + 1)) : undefined;
  return { nodes, tls, ...(password && { password }) };
}

/** Resolves once the connection is ready; rejects after `timeoutMs`. */
export function waitReady(redis: RedisClient, timeoutMs = 10_000): Promise<void> {
  if (redis.status === "ready") return Promise.resolve();
  return new Promise((done, fail) => {
    const timer = setTimeout(() => fail(new Error(`Redis not ready after ${timeoutMs} ms`)), timeoutMs);
    redis.once("ready", () => {
      clearTimeout(timer);
      done();
    });
  });
}

/**
 * Whether Redis answered a command with a refusal (out of memory, a script error): the command
 * did nothing. A timeout or a lost connection is not one: its outcome is unknown.
 */
export function isRefusedByRedis(error: unknown): boolean {
  return error instanceof ReplyError;
}
