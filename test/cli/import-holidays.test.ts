import { execFile, execFileSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { loadConfig } from "../../src/config/load-config.js";
import { runCli } from "../../src/cli/cli.js";
import { createTaskCalendar } from "../../src/time/task-calendar.js";
import { pinganArgs } from "../support/pingan-command.js";
import { TEST_ENV } from "../support/test-env.js";

const NOTICE_2025 = readFileSync("test/fixtures/notices/2025.txt", "utf8");
const NOTICE_2026 = readFileSync("test/fixtures/notices/2026.txt", "utf8");
const NEWS_PAGE_2026 = "test/fixtures/notices/2026-news-page.txt";
const HK_REPOST_2026 = "test/fixtures/notices/2026-hk-repost.txt";
const BUNDLED = parseYaml(readFileSync("config/holidays-cn.yaml", "utf8")) as Record<string, unknown>;

/**
 * An invented 2027 notice in the published wording (the real one is not out yet): every weekday
 * and lunar date in it is true, and its blocks hold the 2027 statutory days.
 */
const INVENTED_2027 = [
  "国务院办公厅关于2027年部分节假日安排的通知",
  "各省、自治区、直辖市人民政府，国务院各部委、各直属机构：",
  "经国务院批准，现将2027年元旦、春节、清明节、劳动节、端午节、中秋节和国庆节放假调休日期的具体安排通知如下。",
  "一、元旦：1月1日（周五）至3日（周日）放假，共3天。",
  "二、春节：2月5日（农历除夕、周五）至12日（农历正月初七、周五）放假调休，共8天。2月20日（周六）上班。",
  "三、清明节：4月3日（周六）至5日（周一）放假，共3天。",
  "四、劳动节：5月1日（周六）至5日（周三）放假调休，共5天。4月25日（周日）、5月8日（周六）上班。",
  "五、端午节：6月9日（周三）放假1天，不调休。",
  "六、中秋节：9月15日（周三）放假1天，不调休。",
  "七、国庆节：10月1日（周五）至7日（周四）放假调休，共7天。9月26日（周日）、10月9日（周六）上班。",
  "国务院办公厅",
  "2026年11月10日",
].join("\n");

const dir = mkdtempSync(join(tmpdir(), "pingan-holidays-import-"));
const configPath = join(dir, "pingan.yaml");
const target = join(dir, "holidays.yaml");
copyFileSync("config/pingan.example.yaml", configPath);
copyFileSync("config/schools.example.csv", join(dir, "schools.example.csv"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
beforeEach(() => rmSync(target, { force: true }));

/** `pingan …` with the config in the test's directory; what it printed and its exit code. */
async function pingan(args: string[], env: Record<string, string> = {}): Promise<{ code: number; lines: string[] }> {
  const lines: string[] = [];
  const push = (line: string) => lines.push(line);
  const code = await runCli(["node", "pingan", ...args], { ...TEST_ENV, PINGAN_CONFIG: configPath, ...env }, { out: push, err: push });
  return { code, lines };
}

function writeNotice(name: string, text: string | Uint8Array): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

/** Replaces exactly one occurrence, so that a typo in a test cannot leave the notice unchanged. */
function mangle(text: string, from: string, to: string): string {
  expect(text.split(from)).toHaveLength(2);
  return text.replace(from, to);
}

describe("pingan holidays import", () => {
  it("imports the 2026 notice: prints every range and make-up workday, writes holidays.yaml beside the config", async () => {
    const { code, lines } = await pingan(["holidays", "import", writeNotice("2026.txt", NOTICE_2026)]);
    expect(code).toBe(0);
    expect(lines[0]).toBe("2026 年节假日安排：国务院办公厅关于2026年部分节假日安排的通知（2025年11月4日）");
    expect(lines).toContain("春节：2026-02-15（周日）至2026-02-23（周一）放假，共 9 天；2026-02-14（周六）、2026-02-28（周六）调休上班");
    expect(lines).toContain("国庆节：2026-10-01（周四）至2026-10-07（周三）放假，共 7 天；2026-09-20（周日）、2026-10-10（周六）调休上班");
    expect(lines).toContain("合计：7 段假期共 33 天，调休上班 6 天");
    expect(lines.at(-1)).toBe(`已写入 ${target}（2026 年）。重启服务后生效，例如 systemctl restart pingan。`);
    const written = parseYaml(readFileSync(target, "utf8")) as Record<string, { festivals: unknown }>;
    expect(Object.keys(written)).toEqual(["2026"]);
    expect(written["2026"]!.festivals).toEqual((BUNDLED["2026"] as { festivals: unknown }).festivals);
  });

  it("imports the 2025 notice into the same file, keeping 2026 and the years in order", async () => {
    expect((await pingan(["holidays", "import", writeNotice("2026.txt", NOTICE_2026)])).code).toBe(0);
    const { code, lines } = await pingan(["holidays", "import", writeNotice("2025.txt", NOTICE_2025)]);
    expect(code).toBe(0);
    expect(lines).toContain("国庆节、中秋节：2025-10-01（周三）至2025-10-08（周三）放假，共 8 天；2025-09-28（周日）、2025-10-11（周六）调休上班");
    const written = parseYaml(readFileSync(target, "utf8")) as Record<string, unknown>;
    expect(Object.keys(written)).toEqual(["2025", "2026"]);
    expect(written["2025"]).toEqual(BUNDLED["2025"]);
    expect(readFileSync(target, "utf8")).toMatch(/^# 平安助手：从国务院办公厅放假调休通知导入的节假日安排/);
  });

  it("reads the numbered paragraphs alone with --year", async () => {
    const body = NOTICE_2026.split("\n").filter((line) => /^[一二三四五六七]、/.test(line)).join("\n");
    const file = writeNotice("body.txt", body);
    const refused = await pingan(["holidays", "import", file]);
    expect(refused.code).toBe(1);
    expect(refused.lines[0]).toContain("不知道这是哪一年的通知");
    const { code } = await pingan(["holidays", "import", file, "--year", "2026"]);
    expect(code).toBe(0);
    expect(existsSync(target)).toBe(true);
  });

  describe("refuses a text it cannot fully understand, naming the sentence, and writes nothing", () => {
    const cases: Array<[string, string, string]> = [
      ["a weekday that does not match", mangle(NOTICE_2026, "4月4日（周六）", "4月4日（周五）"), "“三、清明节：4月4日（周五）至6日（周一）放假，共3天。”"],
      ["a garbled sentence", mangle(NOTICE_2026, "放假，共3天。\n\n六", "休息，共3天。\n\n六"), "“五、端午节：6月19日（周五）至21日（周日）休息，共3天。”"],
      ["a day count that is off", mangle(NOTICE_2025, "共8天。9月28日", "共7天。9月28日"), "“六、国庆节、中秋节：10月1日（周三）至8日（周三）放假调休，共7天。”"],
      ["a make-up workday on a weekday", mangle(NOTICE_2026, "5月9日（周六）上班", "5月12日（周二）上班"), "“5月12日（周二）上班。”"],
      ["a lunar date that is off", mangle(NOTICE_2025, "农历正月初七、周二", "农历正月初八、周二"), "农历正月初八"],
      ["a stray line amid the paragraphs", NOTICE_2026.replace("\n\n四、", "\n\n另：4月30日下午放假半天。\n\n四、"), "第 13 行：看不懂这一句：“另：4月30日下午放假半天。”"],
    ];
    for (const [what, text, named] of cases) {
      it(what, async () => {
        writeFileSync(target, "# 已有的文件\n");
        const { code, lines } = await pingan(["holidays", "import", writeNotice("bad.txt", text)]);
        expect(code).toBe(1);
        expect(lines[0]).toMatch(/^没有导入：/);
        expect(lines[0]).toContain(named);
        expect(lines.at(-1)).toContain("没有写入任何文件");
        expect(readFileSync(target, "utf8")).toBe("# 已有的文件\n");
      });
    }

    it("a notice with a festival left out", async () => {
      const { code, lines } = await pingan(["holidays", "import", writeNotice("bad.txt", mangle(NOTICE_2025, "六、国庆节、中秋节：", "六、国庆节："))]);
      expect(code).toBe(1);
      expect(lines[0]).toContain("中秋节");
      expect(existsSync(target)).toBe(false);
    });

    it("a file that is not there", async () => {
      const missing = await pingan(["holidays", "import", join(dir, "nowhere.txt")]);
      expect(missing.code).toBe(1);
      expect(missing.lines[0]).toBe(`没有导入：找不到 ${join(dir, "nowhere.txt")}。请把网页上的通知全文复制到记事本，存成 .txt 文件再运行。`);
      expect(existsSync(target)).toBe(false);
    });

    it("every bad sentence at once, each with its line", async () => {
      let text = mangle(NOTICE_2026, "4月4日（周六）", "4月4日（周五）");
      text = mangle(text, "5月9日（周六）上班", "5月12日（周二）上班");
      const { code, lines } = await pingan(["holidays", "import", writeNotice("two.txt", text)]);
      expect(code).toBe(1);
      expect(lines).toEqual([
        "没有导入：通知里有 2 处问题：",
        "第 11 行：这一句有误：“三、清明节：4月4日（周五）至6日（周一）放假，共3天。”（4月4日是周六，不是周五）",
        "第 13 行：这一句有误：“5月12日（周二）上班。”（5月12日是周二，调休上班日只会是周六或周日）",
        "请对照国务院办公厅网站上的原文改正这几处，再重新运行；没有写入任何文件。",
      ]);
      expect(existsSync(target)).toBe(false);
    });

    it("an existing holidays.yaml that is broken", async () => {
      writeFileSync(target, '"2026": [unclosed');
      const { code, lines } = await pingan(["holidays", "import", writeNotice("2026.txt", NOTICE_2026)]);
      expect(code).toBe(1);
      expect(lines.join("\n")).toContain("不是合法的 YAML");
      expect(readFileSync(target, "utf8")).toBe('"2026": [unclosed');
    });
  });

  it("is what the service reads at start: an imported 2027 adds its bridges and make-up days and silences the warning", async () => {
    const before = await pingan(["check-config"], { PINGAN_NOW: "2026-11-05T09:00:00+08:00" });
    expect(before.code).toBe(0);
    expect(before.lines.at(-1)).toMatch(/^警告：2027 年放假调休安排尚未导入：pingan holidays import/);

    const { code, lines } = await pingan(["holidays", "import", writeNotice("2027.txt", INVENTED_2027)]);
    expect(code).toBe(0);
    expect(lines).toContain("春节：2027-02-05（周五）至2027-02-12（周五）放假，共 8 天；2027-02-20（周六）调休上班");

    const after = await pingan(["check-config"], { PINGAN_NOW: "2026-11-05T09:00:00+08:00" });
    expect(after.code).toBe(0);
    expect(after.lines.join("\n")).not.toContain("放假调休安排尚未导入");

    const { config } = await loadConfig({ path: configPath, env: TEST_ENV });
    const imported = await createTaskCalendar(config, { configPath });
    const builtIn = await createTaskCalendar(config);
    // 2027-02-09 (Tue) is a bridging day of 春节; 2027-02-20 (Sat) a make-up workday.
    expect(imported.runsOn("study", "2027-02-09")).toBe(false);
    expect(builtIn.runsOn("safety", "2027-02-09")).toBe(true);
    expect(imported.missingHolidayYears(new Date("2026-11-05T09:00:00+08:00"))).toEqual([]);
    expect(builtIn.missingHolidayYears(new Date("2026-11-05T09:00:00+08:00"))).toEqual([2027]);
  });
});

describe("pingan holidays import, run as the admin runs it", () => {
  const run = promisify(execFile);
  const ENV = { ...process.env, ...TEST_ENV, PINGAN_CONFIG: configPath };
  const importFile = (file: string) =>
    run(process.execPath, pinganArgs("holidays", "import", file), { env: ENV, timeout: 60_000 }).then(
      ({ stdout }) => ({ code: 0, stdout }),
      (error: { code: number; stdout: string; killed?: boolean }) => ({ code: error.killed ? -1 : error.code, stdout: error.stdout }),
    );

  it("imports the notice as copied from a news page, and from a Hong Kong repost in traditional script", async () => {
    for (const file of [NEWS_PAGE_2026, HK_REPOST_2026]) {
      rmSync(target, { force: true });
      const { code, stdout } = await importFile(file);
      expect(code).toBe(0);
      expect(stdout).toContain("春节：2026-02-15（周日）至2026-02-23（周一）放假，共 9 天；2026-02-14（周六）、2026-02-28（周六）调休上班");
      expect(stdout).toContain(`已写入 ${target}（2026 年）`);
      const written = parseYaml(readFileSync(target, "utf8")) as Record<string, { festivals: unknown }>;
      expect(written["2026"]!.festivals).toEqual((BUNDLED["2026"] as { festivals: unknown }).festivals);
    }
  });

  it("refuses at once what is not a regular text file of reasonable size: a directory, /dev/zero, a FIFO, 1 GB", async () => {
    const folder = join(dir, "a-folder");
    mkdirSync(folder, { recursive: true });
    const fifo = join(dir, "a-fifo");
    rmSync(fifo, { force: true });
    execFileSync("mkfifo", [fifo]);
    // Sparse: a gigabyte of size, no disk.
    const huge = join(dir, "huge.txt");
    writeFileSync(huge, "");
    truncateSync(huge, 1024 ** 3);
    const cases: Array<[string, string]> = [
      [folder, `没有导入：${folder} 是一个目录，不是普通文件。`],
      ["/dev/zero", "没有导入：/dev/zero 是设备文件，不是普通文件。"],
      [fifo, `没有导入：${fifo} 是管道（FIFO），不是普通文件。`],
      [huge, `没有导入：${huge} 太大（1.0 GB，最多 1.0 MB），不像是要读的文件，请检查文件名。`],
    ];
    for (const [file, line] of cases) {
      const { code, stdout } = await importFile(file);
      expect(code).toBe(1);
      expect(stdout.split("\n")[0]).toBe(`${line}请把网页上的通知全文复制到记事本，存成 .txt 文件再运行。`);
    }
    expect(existsSync(target)).toBe(false);
  });
});
