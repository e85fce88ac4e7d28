import { cpSync, existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { startEmbeddedRedis, type EmbeddedRedis } from "../store/embedded-redis.js";
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
