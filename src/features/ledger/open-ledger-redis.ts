import { cpSync, existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { connectRedis, waitReady, type RedisClient } from "../../store/connect-redis.js";
import { startEmbeddedRedis, type EmbeddedRedis } from "../../store/embedded-redis.js";
import type { Settings } from "../../main/settings.js";

/** A Redis connection to read the ledger from, and how to let it go. */
export interface LedgerRedis {
  redis: RedisClient;
  close(): Promise<void>;
}

/**
 * Opens the Redis the service uses: `REDIS_URL`, or else the embedded one's data under
 * `PINGAN_DATA_DIR` (default `data`). To read, the embedded data is served from a copy of its
 * AOF by a private redis-server, because a running service may own those files and two servers
 * must never append to the same AOF. To write (`write`), it is the service's own server: the
 * running one, or one started on its files while the service is stopped.
 */
export async function openLedgerRedis({
  settings,
  say = () => {},
  write = false,
}: {
  settings: Pick<Settings, "redisUrl" | "dataDir">;
  say?: (line: string) => void;
  write?: boolean;
}): Promise<LedgerRedis> {
  if (settings.redisUrl) {
    const redis = connectRedis(settings.redisUrl, { role: "web" });
    await waitReady(redis);
    return { redis, close: async () => redis.disconnect() };
  }
  const dataDir = resolve(settings.dataDir, "redis");
  if (write) return serve(await startEmbeddedRedis({ dataDir, say, shareRunning: true }));
  const aof = join(dataDir, "appendonly");
  if (!existsSync(aof)) {
    throw new Error(`没有找到内置 Redis 的数据（${aof}）。服务使用外部 Redis 时请设置 REDIS_URL。`);
  }
  const copy = mkdtempSync(join(tmpdir(), "pingan-export-"));
  try {
    cpSync(aof, join(copy, "appendonly"), { recursive: true });
    const served = await serve(await startEmbeddedRedis({ dataDir: copy, say }));
    return {
      redis: served.redis,
      async close() {
        await served.close();
        rmSync(copy, { recursive: true, force: true });
      },
    };
  } catch (error) {
    rmSync(copy, { recursive: true, force: true });
    throw error;
  }
}

/** A connection to an embedded server, closed with it (a shared one is left running). */
async function serve(server: EmbeddedRedis): Promise<LedgerRedis> {
  const redis = connectRedis(server.url, { role: "web" });
  await waitReady(redis);
  return {
    redis,
    async close() {
      redis.disconnect();
      await server.stop();
    },
  };
}
