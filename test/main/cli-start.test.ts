import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { pinganArgs } from "../support/pingan-command.js";
import { START_BOUND_MS } from "../support/service-process.js";
import { TEST_ENV } from "../support/test-env.js";
import { waitFor } from "../support/wait-for.js";

/**
 * `pingan start` as an admin runs it on a trial machine: in a terminal (a pseudo-terminal made
 * by script(1)), with its embedded Redis, stopped with Ctrl+C.
 */
const dirs: string[] = [];
const running: Started[] = [];
afterEach(async () => {
  // A test that failed before its Ctrl+C leaves the service under script(1): it is stopped
  // through its Redis's parent, which is the service, and waited for; then any Redis left.
  for (const service of running.splice(0)) {
    const redis = readRedisPid(service.dataDir);
    if (service.proc.exitCode === null && service.proc.signalCode === null && redis !== undefined && isRunning(redis)) {
      const parent = Number(readFileSync(`/proc/${redis}/stat`, "utf8").split(") ")[1]!.split(" ")[1]);
      if (parent > 1) process.kill(parent, "SIGTERM");
      await waitFor("the service to end", () => !isRunning(parent));
    }
    service.proc.kill("SIGKILL");
    if (redis !== undefined && isRunning(redis)) process.kill(redis, "SIGTERM");
  }
});
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

interface Started {
  proc: ChildProcess;
  output(): string;
  dataDir: string;
  exited: Promise<number | null>;
}

/** Starts `pingan start` and waits for its output to show `until` (by default: up and listening). */
async function start({ terminal, args = [], env = {}, until = /service listening/ }: { terminal: boolean; args?: string[]; env?: Record<string, string>; until?: RegExp }): Promise<Started> {
  const dataDir = mkdtempSync(join(tmpdir(), "pingan-start-"));
  dirs.push(dataDir);
  const command = [process.execPath, ...pinganArgs("start", ...args)];
  // script(1) runs its command through $SHELL, or sh when unset; dash does not exec a lone
  // command, so without `exec` the terminal's Ctrl+C would end the shell rather than reach pingan.
  const quoted = `exec ${command.map((part) => `'${part.replace(/'/g, "'\\''")}'`).join(" ")}`;
  const proc = spawn(terminal ? "script" : command[0]!, terminal ? ["-qfec", quoted, "/dev/null"] : command.slice(1), {
    env: {
      ...process.env,
      ...TEST_ENV,
      PINGAN_CONFIG: "config/pingan.example.yaml",
      PINGAN_DATA_DIR: dataDir,
      // Any free port: these tests send no requests, and a port picked beforehand may be taken meanwhile.
      PORT: "0",
      LOG_LEVEL: "info",
      ...env,
    },
    stdio: ["pipe", "pipe", "pipe"],
  });
  let output = "";
  proc.stdout!.on("data", (d: Buffer) => (output += d.toString()));
  proc.stderr!.on("data", (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | null>((done) => proc.once("exit", (code) => done(code)));
  // A failed test must not leave a service (nor, through it, a Redis) running.
  const reap = () => proc.kill("SIGKILL");
  process.once("exit", reap);
  proc.once("exit", () => process.off("exit", reap));
  const started = { proc, output: () => output, dataDir, exited };
  running.push(started);
  await waitFor("the service to start", () => until.test(output) || proc.exitCode !== null, { timeoutMs: START_BOUND_MS });
  if (!until.test(output)) throw new Error(`pingan start did not start:\n${output}`);
  return started;
}

function readRedisPid(dataDir: string): number | undefined {
  try {
    return Number(readFileSync(join(dataDir, "redis", "redis-server.pid"), "utf8"));
  } catch {
    return undefined;
  }
}

function redisPid(dataDir: string): number {
  const pid = readRedisPid(dataDir);
  if (pid === undefined) throw new Error(`no redis-server.pid in ${dataDir}`);
  return pid;
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe("pingan start", () => {
  it("in a terminal prints readable lines, and Ctrl+C stops it and then its embedded Redis", async () => {
    const service = await start({ terminal: true });
    const lines = service.output().split(/\r?\n/).filter((line) => line.trim() !== "");
    expect(lines.some((line) => line.includes("service listening"))).toBe(true);
    expect(lines.filter((line) => line.trimStart().startsWith("{"))).toEqual([]);
    const redis = redisPid(service.dataDir);
    expect(isRunning(redis)).toBe(true);

    service.proc.stdin!.write("\x03");
    expect(await service.exited).toBe(0);
    await waitFor("the embedded Redis to end", () => !isRunning(redis));
    expect(service.output()).toMatch(/stopped/);
    // The service stopped its Redis after draining; the terminal's Ctrl+C did not reach Redis itself.
    const redisLog = readFileSync(join(service.dataDir, "redis", "redis.log"), "utf8");
    expect(redisLog).toContain("Received SIGTERM scheduling shutdown");
    expect(redisLog).not.toContain("Received SIGINT");
  });

  it("stops cleanly on a Ctrl+C that comes while it is still starting, and then its embedded Redis", async () => {
    // Its first line of output comes once the handlers are in place (they are set before starting).
    const service = await start({ terminal: true, until: /\S/ });
    service.proc.stdin!.write("\x03");
    expect(await service.exited, service.output()).toBe(0);
    await waitFor("the embedded Redis to end", () => {
      const redis = readRedisPid(service.dataDir);
      return redis === undefined || !isRunning(redis);
    });
  });

  it("in a terminal still writes JSON when asked (--json, LOG_FORMAT=json)", async () => {
    for (const asked of [{ args: ["--json"] }, { env: { LOG_FORMAT: "json" } }]) {
      const service = await start({ terminal: true, ...asked });
      const listening = service.output().split(/\r?\n/).find((line) => line.includes("service listening"));
      expect(listening, service.output()).toBeDefined();
      expect(JSON.parse(listening!.trim())).toMatchObject({ msg: "service listening" });
      service.proc.stdin!.write("\x03");
      expect(await service.exited).toBe(0);
      await waitFor("the embedded Redis to end", () => !isRunning(redisPid(service.dataDir)));
    }
  });

  it("without a terminal writes JSON, and SIGINT stops it and its embedded Redis", async () => {
    const service = await start({ terminal: false });
    const listening = service.output().split("\n").find((line) => line.includes("service listening"))!;
    expect(JSON.parse(listening)).toMatchObject({ msg: "service listening" });
    const redis = redisPid(service.dataDir);
    service.proc.kill("SIGINT");
    expect(await service.exited).toBe(0);
    await waitFor("the embedded Redis to end", () => !isRunning(redis));
  });
});
