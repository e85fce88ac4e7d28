import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import type { Cluster, Redis } from "ioredis";

/** The scripts' folder, beside this module in src/ and in dist/ alike (the build copies it). */
const LUA_DIR = new URL("./lua/", import.meta.url);

/** A line `-- #include lib/x.lua` stands for that file: a helper several scripts use is written once. */
const INCLUDE = /^-- #include (\S+)$/gm;

function readLua(path: string): string {
  return readFileSync(new URL(path, LUA_DIR), "utf8").replace(INCLUDE, (_line, lib: string) => readLua(lib).trimEnd());
}

type Arg = string | number;

/** How a script's named keys and arguments become its KEYS and ARGV, in the order its header names them. */
export interface ScriptPacking<K, A> {
  keys(keys: K): readonly string[];
  args(args: A): readonly Arg[];
}

/**
 * The packing of named keys or arguments that go as they are, in the order the script's header
 * names them; an array spreads into as many places. Packed here, a script's call stays in this
 * module (a caller's own function, called back from here, would enter the caller twice).
 */
export function namedInOrder<N extends string, V extends Arg = string>(...names: readonly N[]): (values: Readonly<Record<N, V | readonly V[]>>) => V[] {
  return (values) => names.flatMap((name) => values[name]);
}

/**
 * The packing of a script's values as one JSON argument (packArgument), but the texts `apart`
 * each as an argument of its own after it ('' for none): the longest ones, not escaped into the
 * JSON here and unescaped by cjson in Redis. Given apart, a lone surrogate is stored as U+FFFD,
 * as packArgument writes it.
 */
export function packedWithApart<V extends object, K extends keyof V & string>(...apart: K[]): (values: V) => string[] {
  return (values) => {
    const rest: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(values)) if (!(apart as string[]).includes(key)) rest[key] = value;
    return [packArgument(rest), ...apart.map((key) => (values[key] as string | undefined) ?? "")];
  };
}

/**
 * One script with its keys and arguments (or a read beside it): run alone, or with others in one
 * round trip (runTogether). Run sends its command before it first awaits; by EVALSHA, and where
 * Redis answers NOSCRIPT (restarted) it ran nothing, and runs again by EVAL.
 */
export interface ScriptCall {
  run(redis: Redis | Cluster): Promise<unknown>;
}

/** A Lua script run by EVALSHA, loaded on first use and again after a Redis restart. */
export interface RedisScript<K, A> {
  (redis: Redis | Cluster, keys: K, args: A): Promise<unknown>;
  call(keys: K, args: A): ScriptCall;
}

/** The script in src/store/lua/<name>.lua, read once (when the module defining it loads). */
export function loadScript<K, A>(name: string, packing: ScriptPacking<K, A>): RedisScript<K, A> {
  const lua = readLua(`${name}.lua`);
  const sha = createHash("sha1").update(lua).digest("hex");
  const call = (named: K, values: A): ScriptCall => {
    const keys = packing.keys(named);
    const args = packing.args(values);
    return {
      async run(redis) {
        try {
          return await redis.evalsha(sha, keys.length, ...keys, ...args);
        } catch (error) {
          if (!isNoScript(error)) throw error;
          return redis.eval(lua, keys.length, ...keys, ...args);
        }
      },
    };
  };
  return Object.assign((redis: Redis | Cluster, named: K, values: A) => call(named, values).run(redis), { call });
}

/** A field of a hash read beside scripts (runTogether), in the same round trip. */
export function readField(key: string, field: string): ScriptCall {
  return { run: (redis) => redis.hget(key, field) };
}

/** Fields of a hash read beside scripts (runTogether), in the same round trip: their values, null where absent. */
export function readFields(key: string, fields: readonly string[]): ScriptCall {
  return { run: (redis) => redis.hmget(key, ...fields) };
}

const isNoScript = (error: unknown) => error instanceof Error && error.message.startsWith("NOSCRIPT");

/**
 * The answers of scripts run together: on a single Redis written to its connection at once, one
 * round trip; sent at once on a cluster too, where keys of different hash tags live on different
 * nodes. An error of any is thrown. Not an ioredis pipeline: building and settling one cost a
 * check-in more of the service's CPU than the commands it carried.
 */
export async function runTogether(redis: Redis | Cluster, calls: readonly ScriptCall[]): Promise<unknown[]> {
  // Corked, the commands each call sends before its first await leave in one write.
  const socket = redis.isCluster || calls.length === 1 ? undefined : (redis as Redis).stream;
  socket?.cork();
  let answers: Promise<unknown>[];
  try {
    answers = calls.map((call) => call.run(redis));
  } finally {
    socket?.uncork();
  }
  return Promise.all(answers);
}

/**
 * Values as one JSON argument, for a script that decodes it with cjson. cjson refuses a lone
 * surrogate's escape (`\ud83d`), which JSON.stringify writes; Redis stores such a character,
 * given as an argument of its own, as U+FFFD: so it is given here, and the bytes stored are the same.
 */
export function packArgument(values: object): string {
  // JSON.stringify escapes exactly the lone surrogates (a pair is written as it is); an escape is a
  // backslash run of odd length before `u`, so `\\ud83d` (a typed backslash) is left alone. A
  // replacer called on every value was a check-in's costliest step in this module; nearly every
  // value holds no `\ud` at all, and one scan for it spares the pattern's.
  const json = JSON.stringify(values);
  return json.includes("\\ud")
    ? json.replace(LONE_SURROGATE, (escape, backslashes: string) => (backslashes.length % 2 === 1 ? `${backslashes.slice(1)}\uFFFD` : escape))
    : json;
}

const LONE_SURROGATE = /(\\+)ud[89a-f][0-9a-f]{2}/g;

const hashAsJson = loadScript("hash-as-json", { keys: namedInOrder("hash"), args: () => [] });

/**
 * A read, as data: the commands a tally (and a reminder, ReportStore.reportedOrExempt) reads with.
 * `hashAsJson`: a hash's fields and values in one flat list (lua/hash-as-json.lua).
 */
export type ReadCommand =
  | readonly ["hgetall" | "hashAsJson" | "hkeys" | "getBuffer" | "smembers" | "zcard", string]
  | readonly ["hmget", string, ...string[]]
  | readonly ["zrange", string, string, string]
  | readonly ["getrangeBuffer", string, number, number];

/**
 * Sends reads in one round trip and answers them in order, as runTogether sends scripts (corked on
 * a single Redis; on a cluster each alone, all sent at once): one way of sending together, for
 * scripts and reads alike. An error of any read is thrown.
 */
export function readTogether(redis: Redis | Cluster, commands: readonly ReadCommand[]): Promise<unknown[]> {
  return runTogether(redis, commands.map((command) => ({ run: () => issue(redis, command) })));
}

function issue(target: Redis | Cluster, command: ReadCommand): Promise<unknown> {
  switch (command[0]) {
    case "hgetall":
      return target.hgetall(command[1]);
    case "hashAsJson":
      return hashAsJson(target, { hash: command[1] }, {}).then(readFlatList);
    case "hkeys":
      return target.hkeys(command[1]);
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

/** The list hash-as-json answers; cjson writes an empty one as an object, `{}`. */
function readFlatList(json: unknown): string[] {
  const list: unknown = JSON.parse(json as string);
  return Array.isArray(list) ? (list as string[]) : [];
}
