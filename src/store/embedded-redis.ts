import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { connect, createServer } from "node:net";
import { join, resolve } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { CodedError, ErrorCode } from "../errors.js";
import { readProgramVersion, requireRedis7 } from "./redis-version.js";

/** A private redis-server owned by this process. */
export interface EmbeddedRedis {
  readonly url: string;
  readonly port: number;
  readonly dataDir: string;
  /** True when it is the running service's server (see `shareRunning`). */
  readonly shared: boolean;
  /** Sends a signal (SIGKILL to simulate a crash) and waits for the process to end. */
  kill(signal?: NodeJS.Signals): Promise<void>;
  /** Starts redis-server again on the same port and data dir (after kill). */
  restart(): Promise<void>;
  /** Stops it cleanly. */
  stop(): Promise<void>;
}

export interface EmbeddedRedisOptions {
  /** Data directory (AOF lives here). Created if missing. */
  dataDir: string;
  /** Fixed port; a free one by default. */
  port?: number;
  /** Progress messages for a person (installing, starting). */
  say?: (line: string) => void;
  /** More redis-server arguments (e.g. cluster mode). */
  extraArgs?: readonly string[];
  /**
   * Use the redis-server already running on this data dir (the service's) instead of stopping
   * it: one-shot commands such as `pingan run` or `pingan chats` work beside a running service.
   * The shared server is left running by stop().
   */
  shareRunning?: boolean;
  /**
   * Runs redis-server in its own process group (the service's Redis): Ctrl+C in the terminal
   * then reaches only this process, which drains and stops Redis last, instead of Redis shutting
   * down under the draining service. It is sent SIGTERM when this process exits without stop().
   */
  detached?: boolean;
}

/**
 * Starts redis-server with the durability the product promises: AOF with fsync on every
 * write, so an acknowledged check-in survives a crash, and noeviction, as BullMQ requires.
 */
export async function startEmbeddedRedis(options: EmbeddedRedisOptions): Promise<EmbeddedRedis> {
  const dataDir = resolve(options.dataDir);
  const pidFile = join(dataDir, "redis-server.pid");
  const portFile = join(dataDir, "redis-server.port");
  if (options.shareRunning) {
    const running = await findRunning(pidFile, portFile);
    if (running) return sharedRedis(running, dataDir);
  }
  const binary = ensureRedisServer(options.say);
  // Redis 6 would refuse the arguments below with a raw error: say what to install instead.
  requireRedis7(readProgramVersion(binary), "embedded");
  mkdirSync(dataDir, { recursive: true });
  const port = options.port ?? (await findFreePort());
  let child: ChildProcess | undefined;

  const launch = async () => {
    await stopLeftover(pidFile);
    const proc = spawn(
      binary,
      [
        "--port", String(port),
        "--bind", "127.0.0.1",
        "--dir", dataDir,
        "--appendonly", "yes",
        "--appendfsync", "always",
        // The nightly job rewrites the AOF (jobs/reduce-history.ts); Redis itself only past 1 GB,
        // as a safety net: its own rewrites came at busy hours and held check-ins up to 60 ms.
        "--auto-aof-rewrite-min-size", "1gb",
        "--appenddirname", "appendonly",
        "--save", "",
        "--maxmemory-policy", "noeviction",
        "--logfile", join(dataDir, "redis.log"),
        "--daemonize", "no",
        ...(options.extraArgs ?? []),
      ],
      { stdio: "ignore", detached: options.detached ?? false },
    );
    if (options.detached) {
      // Outside the process group, Redis would outlive a crash of this process; a signal is sent synchronously at exit.
      const orphaned = () => proc.kill("SIGTERM");
      process.once("exit", orphaned);
      proc.once("exit", () => process.off("exit", orphaned));
    }
    child = proc;
    await waitForPing(port, proc);
    if (proc.pid) writeFileSync(pidFile, String(proc.pid));
    writeFileSync(portFile, String(port));
  };

  const kill = async (signal: NodeJS.Signals = "SIGTERM") => {
    const proc = child;
    child = undefined;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    const exited = new Promise<void>((done) => proc.once("exit", () => done()));
    proc.kill(signal);
    await exited;
  };

  await launch();
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    dataDir,
    shared: false,
    kill,
    restart: launch,
    stop: () => kill("SIGTERM"),
  };
}

/** The redis-server program on the PATH, if any (startEmbeddedRedis installs one where it can). */
export function findRedisServer(): string | undefined {
  return which("redis-server");
}

function ensureRedisServer(say: (line: string) => void = () => {}): string {
  const found = findRedisServer();
  if (found) return found;
  const apt = which("apt-get");
  if (apt && process.getuid?.() === 0) {
    say("未找到 redis-server，正在用 apt-get 安装（只需一次）…");
    const update = spawnSync(apt, ["update", "-qq"], { stdio: "ignore" });
    const install = spawnSync(apt, ["install", "-y", "-qq", "redis-server"], {
      stdio: "ignore",
      env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
    });
    const installed = which("redis-server");
    if (update.status === 0 && install.status === 0 && installed) return installed;
  }
  throw new CodedError(ErrorCode.RedisUnavailable,
    "找不到 redis-server，也无法自动安装。请先安装：sudo apt-get install -y redis-server " +
      "（或 yum install redis），或设置 REDIS_URL 指向已有的 Redis。",
  );
}

function which(name: string): string | undefined {
  const out = spawnSync("sh", ["-c", `command -v ${name}`], { encoding: "utf8" });
  const path = out.stdout.trim();
  return out.status === 0 && path ? path : undefined;
}

/** The port of the live redis-server this data dir's files name, if it answers. */
async function findRunning(pidFile: string, portFile: string): Promise<number | undefined> {
  let pid: number;
  let port: number;
  try {
    pid = Number(readFileSync(pidFile, "utf8"));
    port = Number(readFileSync(portFile, "utf8"));
  } catch {
    return undefined;
  }
  if (!(pid > 0 && port > 0) || !isRedisServer(pid)) return undefined;
  return (await ping(port)) ? port : undefined;
}

/** Another process's server: this one may use it, never stop or restart it. */
function sharedRedis(port: number, dataDir: string): EmbeddedRedis {
  const notOurs = async () => {
    throw new CodedError(ErrorCode.RedisUnavailable, `端口 ${port} 上的 Redis 属于正在运行的服务，不能由本命令停止或重启`);
  };
  return { url: `redis://127.0.0.1:${port}`, port, dataDir, shared: true, kill: notOurs, restart: notOurs, stop: async () => {} };
}

function isRedisServer(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").includes("redis-server");
  } catch {
    return false;
  }
}

/** A port the OS says is free right now. */
export function findFreePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.unref();
    server.once("error", fail);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? done(address.port) : fail(new Error("no port"))));
    });
  });
}

async function waitForPing(port: number, proc: ChildProcess): Promise<void> {
  for (let attempt = 0; attempt < 200; attempt += 1) {
    if (proc.exitCode !== null) {
      throw new CodedError(ErrorCode.RedisUnavailable, `redis-server 启动失败（退出码 ${proc.exitCode}），端口 ${port}`);
    }
    if (await ping(port)) return;
    await sleep(25);
  }
  proc.kill("SIGKILL");
  throw new CodedError(ErrorCode.RedisUnavailable, `redis-server 在端口 ${port} 上 5 秒内没有响应`);
}

/** One raw PING, so start-up needs nothing but redis-server itself. */
function ping(port: number): Promise<boolean> {
  return new Promise((done) => {
    const socket = connect(port, "127.0.0.1");
    const finish = (ok: boolean) => {
      socket.destroy();
      done(ok);
    };
    socket.setTimeout(500, () => finish(false));
    socket.once("error", () => finish(false));
    socket.once("connect", () => socket.write("PING\r\n"));
    socket.once("data", (data) => finish(data.toString().startsWith("+PONG")));
  });
}

/**
 * A redis-server left running on this data dir by a process that was killed (SIGKILL leaves its
 * children behind) must stop before another one opens the same AOF: two writers would corrupt it.
 * SIGTERM lets it finish its writes.
 */
/** 25 ms each: how long a leftover server is given to finish its writes after SIGTERM (30 s). */
const LEFTOVER_TERM_WAITS = 1200;

async function stopLeftover(pidFile: string): Promise<void> {
  let pid: number;
  try {
    pid = Number(readFileSync(pidFile, "utf8"));
  } catch {
    return;
  }
  const alive = () => isRedisServer(pid);
  if (pid > 0 && alive()) {
    process.kill(pid, "SIGTERM");
    for (let i = 0; i < LEFTOVER_TERM_WAITS && alive(); i += 1) await sleep(25);
    // It would not stop (a machine too busy, a write stuck): the new server must still not share the AOF.
    if (alive()) process.kill(pid, "SIGKILL");
    while (alive()) await sleep(25);
  }
  rmSync(pidFile, { force: true });
}
