import { execFile } from "node:child_process";
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pinganArgs } from "../support/pingan-command.js";
import { TEST_ENV } from "../support/test-env.js";

/**
 * The service needs Redis 7 (scripts with flags, the AOF in its own folder). On a server whose
 * Redis is 6 (Ubuntu 22.04's), `pingan start` and `pingan check-config` say so in one Chinese
 * line naming what to install, instead of dying on a raw Redis error.
 */
const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), "pingan-redis-version-"));
/** A redis-server that is Redis 6.0.16, as Ubuntu 22.04 installs it: it answers --version, and starts nothing. */
const oldBin = join(dir, "bin");
const ENV = { ...process.env, ...TEST_ENV, PINGAN_CONFIG: "config/pingan.example.yaml", PORT: "0", HOST: "127.0.0.1", LOG_FORMAT: "json" };

/** HELLO 3 as Redis 6.0.16 answers it (RESP3 came with 6.0). */
const HELLO =
  "%7\r\n$6\r\nserver\r\n$5\r\nredis\r\n$7\r\nversion\r\n$6\r\n6.0.16\r\n$5\r\nproto\r\n:3\r\n$2\r\nid\r\n:7\r\n" +
  "$4\r\nmode\r\n$10\r\nstandalone\r\n$4\r\nrole\r\n$6\r\nmaster\r\n$7\r\nmodules\r\n*0\r\n";

/**
 * A Redis 6.0.16 on a TCP port, speaking just enough of it: HELLO, PING, INFO and QUIT; CLIENT
 * SETINFO is 7.2's and refused, and so is anything else, as 6.0 refuses a script with flags.
 */
function startOldRedis(): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((socket) => {
    socket.on("data", (data) => {
      for (const command of data.toString("latin1").match(/\*\d+\r\n(?:\$\d+\r\n[^\r]*\r\n)+/g) ?? []) {
        const name = (command.split("\r\n")[2] ?? "").toUpperCase();
        if (name === "HELLO") socket.write(HELLO);
        else if (name === "CLIENT") socket.write("-ERR Unknown subcommand or wrong number of arguments for 'SETINFO'. Try CLIENT HELP\r\n");
        else if (name === "PING") socket.write("+PONG\r\n");
        else if (name === "INFO") {
          const info = "# Server\r\nredis_version:6.0.16\r\nredis_mode:standalone\r\n# Persistence\r\nloading:0\r\n";
          socket.write(`$${Buffer.byteLength(info)}\r\n${info}\r\n`);
        } else if (name === "QUIT") socket.end("+OK\r\n");
        else socket.write("-ERR Error compiling script (new function): user_script:1: unexpected symbol near '#'\r\n");
      }
    });
    socket.on("error", () => {});
  });
  return new Promise((done) => {
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      done({ url: `redis://127.0.0.1:${port}`, close: () => new Promise<void>((closed) => server.close(() => closed())) });
    });
  });
}

let oldRedis: Awaited<ReturnType<typeof startOldRedis>>;
beforeAll(async () => {
  const { mkdirSync } = await import("node:fs");
  mkdirSync(oldBin);
  const script = join(oldBin, "redis-server");
  writeFileSync(
    script,
    '#!/bin/sh\nif [ "$1" = "--version" ]; then echo "Redis server v=6.0.16 sha=00000000:0 malloc=jemalloc-5.2.1 bits=64 build=a3fdef44459b3ad6"; exit 0; fi\n' +
      'echo "*** FATAL CONFIG FILE ERROR (Redis 6.0.16) *** Bad directive or wrong number of arguments" >&2\nexit 1\n',
  );
  chmodSync(script, 0o755);
  oldRedis = await startOldRedis();
});
afterAll(async () => {
  await oldRedis?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Runs `pingan …` as the admin does; its exit code and what it printed. */
async function pingan(args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  const dataDir = mkdtempSync(join(dir, "data-"));
  return run(process.execPath, pinganArgs(...args), { env: { ...ENV, PINGAN_DATA_DIR: dataDir, ...env }, timeout: 60_000 }).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (error: { code: number; stdout: string; stderr: string }) => ({ code: error.code, stdout: error.stdout, stderr: error.stderr }),
  );
}

const EMBEDDED_TOO_OLD = "本机的 redis-server 是 6.0.16，平安助手需要 Redis 7 或更新";
const EXTERNAL_TOO_OLD = "REDIS_URL 连接的 Redis 是 6.0.16，平安助手需要 Redis 7 或更新";

describe("a Redis older than 7", () => {
  it("embedded: pingan start checks redis-server --version before starting it, and stops with one Chinese line", async () => {
    const { code, stdout, stderr } = await pingan(["start"], { PATH: `${oldBin}:${process.env.PATH}` });
    expect(code).toBe(1);
    expect(stderr.trim().split("\n")).toEqual([expect.stringContaining(EMBEDDED_TOO_OLD)]);
    expect(stderr).toContain("docs/zh/部署指南.md");
    expect(stderr).not.toMatch(/\n\s+at |FATAL CONFIG/u);
    expect(stdout).toContain('"msg":"redis too old"');
  });

  it("embedded: pingan check-config says it, and exits 1", async () => {
    const { code, stdout } = await pingan(["check-config"], { PATH: `${oldBin}:${process.env.PATH}` });
    expect(code).toBe(1);
    expect(stdout).toContain(EMBEDDED_TOO_OLD);
  });

  it("REDIS_URL: pingan start reads the version the server answers and stops with one Chinese line", async () => {
    const { code, stdout, stderr } = await pingan(["start"], { REDIS_URL: oldRedis.url });
    expect(code).toBe(1);
    expect(stderr.trim().split("\n")).toEqual([expect.stringContaining(EXTERNAL_TOO_OLD)]);
    expect(stderr).not.toMatch(/\n\s+at |ERR Error compiling/u);
    expect(stdout).toContain('"msg":"redis too old"');
  });

  it("REDIS_URL: pingan check-config says it, and exits 1", async () => {
    const { code, stdout } = await pingan(["check-config"], { REDIS_URL: oldRedis.url });
    expect(code).toBe(1);
    expect(stdout).toContain(EXTERNAL_TOO_OLD);
  });

  it("Redis 7 passes both, saying nothing of it", async () => {
    const { code, stdout } = await pingan(["check-config"], {});
    expect(code).toBe(0);
    expect(stdout).not.toContain("Redis");
  });
});
