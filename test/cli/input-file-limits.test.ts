import { execFile, execFileSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, expect, it } from "vitest";
import { TEST_ENV } from "../support/test-env.js";

const dir = mkdtempSync(join(tmpdir(), "pingan-input-limits-"));
const folder = join(dir, "a-folder");
const fifo = join(dir, "a-fifo");
/** Sparse: two gigabytes of size, no disk. */
const huge = join(dir, "huge");
const config = join(dir, "pingan.yaml");
beforeAll(() => {
  mkdirSync(folder);
  execFileSync("mkfifo", [fifo]);
  writeFileSync(huge, "");
  truncateSync(huge, 2 * 1024 ** 3);
  copyFileSync("config/schools.example.csv", join(dir, "schools.csv"));
  writeFileSync(config, readFileSync("config/pingan.example.yaml", "utf8").replace(/^roster: .*$/m, "roster: schools.csv"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs `pingan ARGS` as the admin does, with its peak RSS (test/support/report-peak-rss.ts). */
async function pingan(...args: string[]): Promise<{ code: number; stdout: string; peakMb: number }> {
  const node = ["--import", "tsx", "--import", "./test/support/report-peak-rss.ts", "src/cli/entry.ts", ...args];
  const { code, stdout, stderr } = await promisify(execFile)(process.execPath, node, { env: { ...process.env, ...TEST_ENV }, timeout: 60_000 }).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (error: { code: number; stdout: string; stderr: string }) => error,
  );
  return { code, stdout: stdout + stderr.replace(/^peak_rss_mb=.*\n/m, ""), peakMb: Number(/peak_rss_mb=(\d+)/.exec(stderr)?.[1]) };
}

const BAD_FILES: Array<[string, string]> = [
  [folder, `${folder} 是一个目录，不是普通文件`],
  ["/dev/zero", "/dev/zero 是设备文件，不是普通文件"],
  [fifo, `${fifo} 是管道（FIFO），不是普通文件`],
  [huge, `${huge} 太大（2.0 GB，最多`],
];

/** What reading nothing costs: the same command on a file that is read and found wanting. */
let baselineMb: number;
beforeAll(async () => {
  baselineMb = (await pingan("check-config", "--config", join(dir, "missing.yaml"))).peakMb;
});

it("check-config (and start, through the same loader) refuses a config that is no file or is huge, before reading it", async () => {
  for (const [file, answer] of BAD_FILES) {
    const { code, stdout, peakMb } = await pingan("check-config", "--config", file);
    expect(code).toBe(1);
    expect(stdout).toContain(answer);
    expect(peakMb).toBeLessThan(baselineMb + 30);
  }
});

it("a roster the config names that is no file or is huge is refused before reading it", async () => {
  for (const [file, answer] of BAD_FILES) {
    writeFileSync(config, readFileSync(config, "utf8").replace(/^roster: .*$/m, `roster: ${file}`));
    const { code, stdout, peakMb } = await pingan("check-config", "--config", config);
    expect(code).toBe(1);
    expect(stdout).toContain(answer);
    expect(peakMb).toBeLessThan(baselineMb + 30);
  }
});

it("roster ids refuses a directory export, a roster or a config that is no file or is huge, before reading it", async () => {
  writeFileSync(config, readFileSync(config, "utf8").replace(/^roster: .*$/m, "roster: schools.csv"));
  for (const [file, answer] of BAD_FILES) {
    for (const args of [[file, "--config", config], ["config/schools.example.csv", "--roster", file, "--config", config], ["config/schools.example.csv", "--config", file]]) {
      const { code, stdout, peakMb } = await pingan("roster", "ids", ...args);
      expect(code, args.join(" ")).toBe(1);
      expect(stdout).toContain(answer);
      expect(peakMb).toBeLessThan(baselineMb + 30);
    }
  }
});

it("holidays import refuses a notice, and an imported holidays file beside the config, that is no file or is huge", async () => {
  for (const [file, answer] of BAD_FILES) {
    const notice = await pingan("holidays", "import", file, "--config", config);
    expect(notice.code).toBe(1);
    expect(notice.stdout).toContain(`没有导入：${answer}`);
    expect(notice.peakMb).toBeLessThan(baselineMb + 30);

    symlinkSync(file, join(dir, "holidays.yaml"));
    const merged = await pingan("holidays", "import", "test/fixtures/notices/2026-news-page.txt", "--config", config);
    rmSync(join(dir, "holidays.yaml"));
    expect(merged.code).toBe(1);
    expect(merged.stdout).toContain(`读不到节假日数据文件：${answer.replace(file, join(dir, "holidays.yaml"))}`);
    expect(merged.peakMb).toBeLessThan(baselineMb + 30);
  }
});
