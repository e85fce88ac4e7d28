import type { ChainableCommander } from "ioredis";
import type { RedisClient } from "./connect-redis.js";

/** A read, as data: the commands a tally reads with. */
export type ReadCommand =
  | readonly ["hgetall" | "getBuffer" | "smembers" | "zcard", string]
  | readonly ["hmget", string, ...string[]]
  | readonly ["zrange", string, string, string]
  | readonly ["getrangeBuffer", string, number, number];

/**
 * Sends reads in one round trip and answers them in order: one pipeline on a single Redis; on
 * a cluster, where keys of different hash tags live on different nodes, each alone, all sent at
 * once (as runTogether sends scripts). An error of any read is thrown.
 */
export async function readTogether(redis: RedisClient, commands: readonly ReadCommand[]): Promise<unknown[]> {
  if (commands.length === 0) return [];
  if (redis.isCluster) return Promise.all(commands.map((command) => issue(redis, command)));
  const pipeline = redis.pipeline();
  for (const command of commands) issue(pipeline, command);
  const answers = (await pipeline.exec()) ?? [];
  return commands.map((_, i) => {
    const [error, value] = answers[i] ?? [new Error("no answer from the pipeline"), undefined];
    if (error) throw error;
    return value;
  });
}

function issue(target: RedisClient | ChainableCommander, command: ReadCommand): unknown {
  switch (command[0]) {
    case "hgetall":
      return target.hgetall(command[1]);
    case "getBuffer":
      return target.getBuffer(command[1]);
    case "smembers":
      return target.smembers(command[1]);
    case "zcard":
      return target.zcard(command[1]);
    case "hmget":
      return target.hmget(command[1], ...command.slice(2));
    case "zrange":
      return target.zrange(command[1], command[2], command[3]);
    case "getrangeBuffer":
      return target.getrangeBuffer(command[1], command[2], command[3]);
  }
}
