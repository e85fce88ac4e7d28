import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestRedis, type TestRedis } from "../support/redis.js";

describe("embedded redis-server", () => {
  let redis: TestRedis;
  beforeAll(async () => {
    redis = await startTestRedis();
  });
  afterAll(() => redis.stop());

  it("runs with AOF, fsync always and noeviction", async () => {
    const client = redis.client();
    const [, appendonly] = (await client.config("GET", "appendonly")) as string[];
    const [, fsync] = (await client.config("GET", "appendfsync")) as string[];
    const [, policy] = (await client.config("GET", "maxmemory-policy")) as string[];
    expect([appendonly, fsync, policy]).toEqual(["yes", "always", "noeviction"]);
  });

  it("keeps an acknowledged write across SIGKILL and restart", async () => {
    const client = redis.client();
    await client.set("survives", "yes");
    await redis.kill("SIGKILL");
    await redis.restart();
    const fresh = redis.client();
    expect(await fresh.get("survives")).toBe("yes");
  });
});

describe("a redis-server left behind by a killed process", () => {
  it("is stopped before a new one opens the same data dir", async () => {
    const { mkdtempSync, readFileSync } = await import("node:fs");
    const { tmpdir } = await import("node:os");
    const { join } = await import("node:path");
    const { startEmbeddedRedis } = await import("../../src/store/embedded-redis.js");
    const dataDir = mkdtempSync(join(tmpdir(), "pingan-leftover-"));
    const first = await startEmbeddedRedis({ dataDir });
    const firstPid = Number(readFileSync(join(dataDir, "redis-server.pid"), "utf8"));
    // The owner dies without stopping it; the next start must not run two servers on one AOF.
    const second = await startEmbeddedRedis({ dataDir });
    try {
      // Gone, or a zombie this test process has not reaped yet (it is the server's parent here).
      const state = (() => {
        try {
          return readFileSync(`/proc/${firstPid}/stat`, "utf8").split(") ")[1]![0];
        } catch {
          return "gone";
        }
      })();
      expect(["gone", "Z", "X"]).toContain(state);
      expect(first.port).not.toBe(second.port);
    } finally {
      await second.stop();
      await first.stop();
    }
  });
});

describe("a one-shot command beside a running service", () => {
  it("uses the service's redis-server and leaves it running", async () => {
    const { mkdtempSync } = await import("node:fs");
    const { tmpdir } = await import("node:os");
    const { join } = await import("node:path");
    const { Redis } = await import("ioredis");
    const { startEmbeddedRedis } = await import("../../src/store/embedded-redis.js");
    const dataDir = mkdtempSync(join(tmpdir(), "pingan-shared-"));
    const service = await startEmbeddedRedis({ dataDir });
    const command = await startEmbeddedRedis({ dataDir, shareRunning: true });
    expect([command.shared, command.port]).toEqual([true, service.port]);
    await command.stop();
    await expect(command.kill("SIGKILL")).rejects.toThrow("正在运行的服务");
    const client = new Redis(service.url);
    expect(await client.ping()).toBe("PONG");
    client.disconnect();
    await service.stop();
    // With the service gone, the command starts a server of its own.
    const alone = await startEmbeddedRedis({ dataDir, shareRunning: true });
    expect(alone.shared).toBe(false);
    await alone.stop();
  });
});
