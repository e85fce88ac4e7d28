import { spawnSync } from "node:child_process";
import { CodedError, ErrorCode } from "../errors.js";
import type { RedisClient } from "./connect-redis.js";

/**
 * The oldest Redis the service runs on: its scripts declare flags (`#!lua flags=…`, Redis 7) and
 * the embedded server keeps its AOF in a folder of its own (`--appenddirname`, Redis 7).
 */
const NEEDED_MAJOR = 7;

/** Where the Redis in question is: the embedded server's program, or the one REDIS_URL names. */
export type RedisPlace = "embedded" | "external";

/** `6.0.16` out of `redis-server --version` (`v=6.0.16`) or INFO (`redis_version:6.0.16`). */
export function parseRedisVersion(text: string): string | undefined {
  return /(?:\bv=|redis_version:)(\d+\.\d+(?:\.\d+)?)/u.exec(text)?.[1];
}

/** The one line that says the Redis is too old and what to install; undefined for a Redis that will do. */
export function describeOldRedis(version: string, place: RedisPlace): string | undefined {
  if (Number(version.split(".")[0]) >= NEEDED_MAJOR) return undefined;
  const which = place === "embedded" ? `本机的 redis-server 是 ${version}` : `REDIS_URL 连接的 Redis 是 ${version}`;
  return (
    `${which}，平安助手需要 Redis ${NEEDED_MAJOR} 或更新：` +
    "Debian 12、Ubuntu 24.04 自带的就是；Ubuntu 22.04 等自带 6.x 的系统，请从 Redis 官方软件源（packages.redis.io）安装 redis，见 docs/zh/部署指南.md 第 1 步。"
  );
}

/** Throws the line of describeOldRedis (code RedisTooOld) for a Redis below 7. */
export function requireRedis7(version: string | undefined, place: RedisPlace): void {
  const old = version === undefined ? undefined : describeOldRedis(version, place);
  if (old) throw new CodedError(ErrorCode.RedisTooOld, old);
}

/** The version of a redis-server program, as `--version` prints it; undefined when it says none. */
export function readProgramVersion(program: string): string | undefined {
  const printed = spawnSync(program, ["--version"], { encoding: "utf8", timeout: 10_000 });
  return parseRedisVersion(`${printed.stdout ?? ""}`);
}

/** The version the server answers INFO with; undefined when it refuses INFO (a managed Redis may). */
export async function readServerVersion(redis: RedisClient): Promise<string | undefined> {
  const info = await redis.info("server").catch(() => "");
  return parseRedisVersion(info);
}
