import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";
import { startEmbeddedRedis, type EmbeddedRedis } from "../../src/store/embedded-redis.js";

export interface TestRedis extends EmbeddedRedis {
  /** A new client; closed by `stop()`. */
  client(): Redis;
}

/**
 * A private redis-server for one test file: free port, its own data dir, AOF on, so tests
 * never touch the machine's shared Redis and can kill theirs.
 */
export async function startTestRedis(): Promise<TestRedis> {
  const dataDir = mkdtempSync(join(tmpdir(), "pingan-test-redis-"));
  const server = await startEmbeddedRedis({ dataDir });
  const clients: Redis[] = [];
  return {
    ...server,
    client() {
      const client = new Redis(server.url, { maxRetriesPerRequest: null, lazyConnect: false });
      // Tests kill this server on purpose; the client reconnects, and the noise helps no one.
      client.on("error", () => {});
      clients.push(client);
      return client;
    },
    async stop() {
      for (const client of clients) client.disconnect();
      await server.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
