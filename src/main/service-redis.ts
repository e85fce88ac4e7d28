import { cpSync, existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { connectRedis, waitReady } from "../store/connect-redis.js";
import { findRedisServer, startEmbeddedRedis, type EmbeddedRedis } from "../store/embedded-redis.js";
import { describeOldRedis, readProgramVersion, readServerVersion } from "../store/redis-version.js";
import type { Settings } from "./settings.js";

/**
 * How a process reaches the service's data when there is no REDIS_URL:
 * - `own`: the service itself runs the embedded server on its data (stopping one a killed run left behind);
 * - `share`: a one-shot command that writes uses the running service's server, or starts one on
 *   its files while it is stopped;
 * - `copy`: a one-shot command that only reads is served a copy of the data by a private server,
 *   because a running service may own those files and two servers must never append to one AOF.
 */
export type RedisAccess = "own" | "share" | "copy";

/** The Redis the service uses, and how to let it go. */
export interface ServiceRedis {
  url: string;
  /** The embedded server, when there is no REDIS_URL. */
  embedded?: EmbeddedRedis;
  /** Stops what was started here (a shared server is left running); an external Redis is left alone. */
  close(): Promise<void>;
}

/** REDIS_URL, or the embedded server on the service's data under PINGAN_DATA_DIR (default `data`). */
export async function openServiceRedis(
  settings: Pick<Settings, "redisUrl" | "dataDir">,
  { access, say = () => {} }: { access: RedisAccess; say?: (line: string) => void },
): Promise<ServiceRedis> {
  if (settings.redisUrl) return { url: settings.redisUrl, close: async () => {} };
  const dataDir = resolve(settings.dataDir, "redis");
  if (access !== "copy") {
    const embedded = await startEmbeddedRedis({ dataDir, say, shareRunning: access === "share", detached: true });
    return { url: embedded.url, embedded, close: () => embedded.stop() };
  }
  const aof = join(dataDir, "appendonly");
  if (!existsSync(aof)) {
    throw new Error(`没有找到内置 Redis 的数据（${aof}）。服务使用外部 Redis 时请设置 REDIS_URL。`);
  }
  const copy = mkdtempSync(join(tmpdir(), "pingan-export-"));
  try {
    cpSync(aof, join(copy, "appendonly"), { recursive: true });
    const embedded = await startEmbeddedRedis({ dataDir: copy, say });
    return {
      url: embedded.url,
      embedded,
      async close() {
        await embedded.stop();
        rmSync(copy, { recursive: true, force: true });
      },
    };
  } catch (error) {
    rmSync(copy, { recursive: true, force: true });
    throw error;
  }
}

/** What `pingan check-config` says of the Redis the service will use. */
export type RedisCheck = { problem: string } | { warning: string };

/**
 * The Redis the service will use, checked without starting it: below 7, the line that says what
 * to install (the embedded server's program by its --version, REDIS_URL's server by INFO); a
 * REDIS_URL that does not answer is a warning. Undefined when all is well, or nothing is there
 * yet (the service installs redis-server where it can, and checks it then).
 */
export async function checkServiceRedis(settings: Pick<Settings, "redisUrl">): Promise<RedisCheck | undefined> {
  if (!settings.redisUrl) {
    const program = findRedisServer();
    const version = program === undefined ? undefined : readProgramVersion(program);
    const old = version === undefined ? undefined : describeOldRedis(version, "embedded");
    return old === undefined ? undefined : { problem: old };
  }
  const redis = connectRedis(settings.redisUrl, { role: "web" });
  try {
    await waitReady(redis, 3_000);
    const version = await readServerVersion(redis);
    const old = version === undefined ? undefined : describeOldRedis(version, "external");
    return old === undefined ? undefined : { problem: old };
  } catch (error) {
    return { warning: `REDIS_URL 的 Redis 没有应答（${error instanceof Error ? error.message : String(error)}），没有检查它是否为 Redis 7 或更新` };
  } finally {
    redis.disconnect();
  }
}
