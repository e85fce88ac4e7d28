import { describe, expect, it } from "vitest";
import { describeOldRedis, parseRedisVersion } from "../../src/store/redis-version.js";

describe("the Redis version", () => {
  it("is read from redis-server --version and from INFO", () => {
    expect(parseRedisVersion("Redis server v=6.0.16 sha=00000000:0 malloc=jemalloc-5.2.1 bits=64 build=a3fdef44459b3ad6")).toBe("6.0.16");
    expect(parseRedisVersion("# Server\r\nredis_version:7.2.4\r\nredis_git_sha1:00000000\r\n")).toBe("7.2.4");
    expect(parseRedisVersion("ERR unknown command 'INFO'")).toBeUndefined();
  });

  it("below 7 is one line naming what to install; 7 and later pass", () => {
    expect(describeOldRedis("6.2.14", "external")).toMatch(/^REDIS_URL 连接的 Redis 是 6\.2\.14，平安助手需要 Redis 7 或更新：.*packages\.redis\.io.*部署指南/u);
    expect(describeOldRedis("5.0.7", "embedded")).toMatch(/^本机的 redis-server 是 5\.0\.7，/u);
    expect(describeOldRedis("6.0.16", "embedded")).not.toContain("\n");
    for (const version of ["7.0.15", "7.2.4", "8.0.2", "10.1"]) expect(describeOldRedis(version, "embedded")).toBeUndefined();
  });
});
