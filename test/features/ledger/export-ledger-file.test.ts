import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import ExcelJS from "exceljs";
import type { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { exportLedgerFile } from "../../../src/features/ledger/export-ledger-file.js";
import { startEmbeddedRedis, type EmbeddedRedis } from "../../../src/store/embedded-redis.js";
import { createKeys } from "../../../src/store/keys.js";
import { createReportStore } from "../../../src/store/reports.js";
import { readSettings } from "../../../src/main/settings.js";
import { TEST_ENV } from "../../support/test-env.js";
import { pinganArgs } from "../../support/pingan-command.js";

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

const options = (out: string, env: Record<string, string>) => ({
  settings: readSettings({ ...TEST_ENV, PINGAN_CONFIG: "config/pingan.example.yaml", ...env }),
  from: "2026-11-23",
  to: "2026-11-27",
  out: join(dir, out),
  now: NOW,
});

describe("exportLedgerFile", () => {
  it("writes the workbook from REDIS_URL", async () => {
    const said: string[] = [];
    await exportLedgerFile({ ...options("a.xlsx", { REDIS_URL: server.url }), say: (line) => said.push(line) });
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(readFileSync(join(dir, "a.xlsx")) as unknown as ExcelJS.Buffer);
    const total = workbook.getWorksheet("汇总")!.getRows(2, 40)!.find((r) => r.getCell(1).value === "平安日报" && r.getCell(3).value === "合计")!;
    expect((total.values as unknown[]).slice(5, 11)).toEqual([140, 2, 1, 1, 138, 0]);
    expect(said).toEqual([`已写入 ${join(dir, "a.xlsx")}（2026-11-23 至 2026-11-27：平安日报 140 行，防溺水提醒 0 行，周学习 28 行）`]);
  });

  it("reads the embedded Redis's data from a copy while that Redis keeps running, and leaves no copy behind", async () => {
    const before = readdirSync(tmpdir()).filter((n) => n.startsWith("pingan-export-")).length;
    const { ledger } = await exportLedgerFile({ ...options("b.csv", { PINGAN_DATA_DIR: join(dir, "data") }), csv: true, task: "平安" });
    expect(ledger.tasks[0]!.total).toMatchObject({ reported: 2, late: 1 });
    const csv = readFileSync(join(dir, "b.csv"), "utf8");
    expect(csv.startsWith("\uFEFF学校代码,")).toBe(true);
    expect(csv).toContain("CG002,平安县城关第二小学,城关片区,2026-11-24,2026-11-24 10:00,迟报,王芳,wang_fang,2026-11-24 11:00,是");
    expect(await client.ping()).toBe("PONG");
    expect(readdirSync(tmpdir()).filter((n) => n.startsWith("pingan-export-")).length).toBe(before);
  });

  it("says what is wrong with the options", async () => {
    const run = (extra: object) => exportLedgerFile({ ...options("c.xlsx", { REDIS_URL: server.url }), ...extra });
    await expect(run({ to: "2026-11-01" })).rejects.toThrow("--to 2026-11-01 早于 --from 2026-11-23");
    await expect(run({ from: "2026-02-30" })).rejects.toThrow("日期 2026-02-30 无效");
    await expect(run({ csv: true })).rejects.toThrow("请加上 --task safety|drowning|study");
    await expect(run({ task: "study" })).rejects.toThrow("--task 只用于 --csv");
    await expect(run({ csv: true, task: "sport" })).rejects.toThrow("不认识的任务“sport”");
    await expect(exportLedgerFile(options("d.xlsx", { PINGAN_DATA_DIR: join(dir, "nowhere") }))).rejects.toThrow("设置 REDIS_URL");
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
