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
