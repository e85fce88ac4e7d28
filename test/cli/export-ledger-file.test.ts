import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import ExcelJS from "exceljs";
import type { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../../src/cli/cli.js";
import { startEmbeddedRedis, type EmbeddedRedis } from "../../src/store/embedded-redis.js";
import { createKeys } from "../../src/store/keys.js";
import { createReportStore } from "../../src/store/reports.js";
import { TEST_ENV } from "../support/test-env.js";
import { pinganArgs } from "../support/pingan-command.js";

const NOW = new Date("2026-11-27T20:00:00+08:00");
let dir: string;
let server: EmbeddedRedis;
let client: Redis;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "pingan-export-cli-"));
  // Laid out as the service lays out its embedded Redis: <data dir>/redis/appendonly.
  server = await startEmbeddedRedis({ dataDir: join(dir, "data", "redis") });
  const { Redis } = await import("ioredis");
  client = new Redis(server.url);
  const store = createReportStore({ redis: client, keys: createKeys() });
  const base = { task: "safety" as const, late: false, raw: "平安" };
  await store.put({ ...base, school: "CG001", period: "2026-11-23", value: { task: "safety", status: "normal" }, by: "zhang_wei", at: "2026-11-23T01:00:00Z", msgid: "a" });
  await store.put({ ...base, school: "CG002", period: "2026-11-24", value: { task: "safety", status: "normal" }, by: "wang_fang", at: "2026-11-24T03:00:00Z", msgid: "b", late: true });
});
afterAll(async () => {
  client?.disconnect();
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** `pingan export` from 2026-11-23 to 11-27 into `out`, as of NOW: its exit code, and what it said (on stderr, beside the file on stdout). */
async function exportTo(out: string, env: Record<string, string>, ...more: string[]) {
  const said: string[] = [];
  const args = ["export", "--from", "2026-11-23", "--to", "2026-11-27", "--out", join(dir, out), ...more];
  const push = (line: string) => said.push(line);
  const code = await runCli(["node", "pingan", ...args], { ...TEST_ENV, PINGAN_CONFIG: "config/pingan.example.yaml", PINGAN_NOW: NOW.toISOString(), ...env }, { out: push, err: push });
  return { code, said };
}

describe("pingan export, run in this process", () => {
  it("writes the workbook from REDIS_URL", async () => {
    const { code, said } = await exportTo("a.xlsx", { REDIS_URL: server.url });
    expect(code).toBe(0);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(readFileSync(join(dir, "a.xlsx")) as unknown as ExcelJS.Buffer);
    const total = workbook.getWorksheet("汇总")!.getRows(2, 40)!.find((r) => r.getCell(1).value === "平安日报" && r.getCell(3).value === "合计")!;
    expect((total.values as unknown[]).slice(5, 11)).toEqual([140, 2, 1, 1, 138, 0]);
    expect(said).toEqual([`已写入 ${join(dir, "a.xlsx")}（2026-11-23 至 2026-11-27：平安日报 140 行，防溺水提醒 0 行，周学习 28 行）`]);
  });

  it("reads the embedded Redis's data from a copy while that Redis keeps running, and leaves no copy behind", async () => {
    const before = readdirSync(tmpdir()).filter((n) => n.startsWith("pingan-export-")).length;
    expect((await exportTo("b.csv", { PINGAN_DATA_DIR: join(dir, "data") }, "--csv", "--task", "平安")).code).toBe(0);
    const csv = readFileSync(join(dir, "b.csv"), "utf8");
    expect(csv).toMatch(/^CG001,[^,]*,[^,]*,2026-11-23,[^,]*,已报,/mu);
    expect(csv.startsWith("\uFEFF学校代码,")).toBe(true);
    expect(csv).toContain("CG002,平安县城关第二小学,城关片区,2026-11-24,2026-11-24 10:00,迟报,王芳,wang_fang,2026-11-24 11:00,是");
    expect(await client.ping()).toBe("PONG");
    expect(readdirSync(tmpdir()).filter((n) => n.startsWith("pingan-export-")).length).toBe(before);
  });

  it("says what is wrong with the options", async () => {
    const refused = async (env: Record<string, string>, ...more: string[]) => {
      const { code, said } = await exportTo("c.xlsx", env, ...more);
      // A task the config does not have is the admin's mistake (2); the rest are errors (1).
      expect(code).toBe(more.includes("--task") && more.includes("--csv") ? 2 : 1);
      return said.join("\n");
    };
    const redis = { REDIS_URL: server.url };
    expect(await refused(redis, "--to", "2026-11-01")).toContain("--to 2026-11-01 早于 --from 2026-11-23");
    expect(await refused(redis, "--from", "2026-02-30")).toContain("日期 2026-02-30 无效");
    expect(await refused(redis, "--csv")).toContain("请加上 --task 和任务（配置里 tasks 下的名字如 safety，或任务名称如 平安）");
    expect(await refused(redis, "--task", "study")).toContain("--task 只用于 --csv");
    const enabled = "可用的任务：safety（平安日报）、drowning（防溺水提醒）、study（周学习）";
    expect(await refused(redis, "--csv", "--task", "sport")).toContain(`配置里没有任务“sport”。${enabled}`);
    // Not a task, though every object has it.
    expect(await refused(redis, "--csv", "--task", "constructor")).toContain(`配置里没有任务“constructor”。${enabled}`);
    // Read against the config before any Redis is looked for: no Redis here, and the task is what is said.
    const noRedis = await refused({ PINGAN_DATA_DIR: join(dir, "nowhere") }, "--csv", "--task", "sport");
    expect(noRedis).toContain("配置里没有任务“sport”");
    expect(noRedis).not.toContain("REDIS_URL");
    expect(await refused({ PINGAN_DATA_DIR: join(dir, "nowhere") })).toContain("设置 REDIS_URL");
    expect(existsSync(join(dir, "c.xlsx"))).toBe(false);
  });
});

describe("pingan export", () => {
  const cli = (args: string[]) =>
    new Promise<{ code: number | null; output: string }>((done) => {
      const proc = spawn(process.execPath, pinganArgs("export", ...args), {
        env: { ...process.env, ...TEST_ENV, REDIS_URL: server.url, PINGAN_NOW: NOW.toISOString(), PINGAN_CONFIG: "config/pingan.example.yaml" },
        stdio: ["ignore", "pipe", "pipe"],
      });
      let output = "";
      proc.stdout.on("data", (d: Buffer) => (output += d.toString()));
      proc.stderr.on("data", (d: Buffer) => (output += d.toString()));
      proc.once("exit", (code) => done({ code, output }));
    });

  it("writes the file named by --out and exits 0", async () => {
    const out = join(dir, "cli.csv");
    const ok = await cli(["--from", "2026-11-23", "--to", "2026-11-27", "--out", out, "--csv", "--task", "safety"]);
    expect(ok).toMatchObject({ code: 0 });
    expect(ok.output).toContain(`已写入 ${out}`);
    expect(readFileSync(out, "utf8").split("\r\n")).toHaveLength(1 + 140 + 1);
  });
});
