import { cpSync, existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { connectRedis, waitReady, type RedisClient } from "../../store/connect-redis.js";
import { startEmbeddedRedis } from "../../store/embedded-redis.js";
import type { Settings } from "../../main/settings.js";

/** A Redis connection to read the ledger from, and how to let it go. */
export interface LedgerRedis {
  redis: RedisClient;
  close(): Promise<void>;
}

/**
 * Opens the Redis the service uses: `REDIS_URL`, or else the embedded one's data under
 * `PINGAN_DATA_DIR` (default `data`). The embedded data is read from a copy of its AOF served
 * by a private redis-server, because a running service may own those files and two servers
 * must never append to the same AOF.
 */
export async function openLedgerRedis({
  settings,
  say = () => {},
}: {
  settings: Pick<Settings, "redisUrl" | "dataDir">;
  say?: (line: string) => void;
}): Promise<LedgerRedis> {
  if (settings.redisUrl) {
    const redis = connectRedis(settings.redisUrl, { role: "web" });
    await waitReady(redis);
    return { redis, close: async () => redis.disconnect() };
  }
  const dataDir = resolve(settings.dataDir, "redis");
  const aof = join(dataDir, "appendonly");
  if (!existsSync(aof)) {
    throw new Error(`没有找到内置 Redis 的数据（${aof}）。服务使用外部 Redis 时请设置 REDIS_URL。`);
  }
  const copy = mkdtempSync(join(tmpdir(), "pingan-export-"));
  try {
    cpSync(aof, join(copy, "appendonly"), { recursive: true });
    const server = await startEmbeddedRedis({ dataDir: copy, say });
    const redis = connectRedis(server.url, { role: "web" });
    await waitReady(redis);
    return {
      redis,
      async close() {
        redis.disconnect();
        await server.stop();
        rmSync(copy, { recursive: true, force: true });
      },
    };
  } catch (error) {
    rmSync(copy, { recursive: true, force: true });
    throw error;
  }
}
