import { execFile } from "node:child_process";
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { runCli } from "../../src/cli/cli.js";
import { pinganArgs } from "../support/pingan-command.js";
import { TEST_ENV } from "../support/test-env.js";

/**
 * The example roster and the 2026 notice as a county office's Windows saves them
 * (test/fixtures/encodings, made from config/schools.example.csv and test/fixtures/notices/2026.txt
 * with iconv): Excel's "CSV" in GBK with CRLF, Excel's "Unicode 文本" (UTF-16LE with BOM, tabs),
 * WPS's UTF-8 with BOM, Notepad's "ANSI" (GBK) and "Unicode"; the console's member list saved
 * from Excel as a GBK CSV.
 */
const FIXTURES = "test/fixtures/encodings";
/** Before 1 November no year's holiday notice is due beyond the current one. */
const OCTOBER = "2026-10-20T09:00:00+08:00";

const dir = mkdtempSync(join(tmpdir(), "pingan-encodings-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const configPath = join(dir, "pingan.yaml");
const holidaysPath = join(dir, "holidays.yaml");
beforeEach(() => rmSync(holidaysPath, { force: true }));

/** `pingan …` as the admin types it, in-process; what it printed and its exit code. */
async function pingan(...args: string[]): Promise<{ code: number; lines: string[] }> {
  const lines: string[] = [];
  const push = (line: string) => lines.push(line);
  const code = await runCli(["node", "pingan", ...args], { ...TEST_ENV, PINGAN_CONFIG: configPath, PINGAN_NOW: OCTOBER }, { out: push, err: push });
  return { code, lines };
}

/** The example config with `roster:` naming a copy of `fixture` beside it. */
function useRoster(fixture: string, name: string): string {
  const roster = join(dir, name);
  copyFileSync(fixture, roster);
  writeFileSync(configPath, readFileSync("config/pingan.example.yaml", "utf8").replace("roster: schools.example.csv", `roster: ${name}`));
  return roster;
}

const SUMMARY = "学校 28 所（4 个片区），上报人 30 人，群 2 个，启用的任务：平安日报、防溺水提醒、周学习";

describe("the roster as Excel, WPS and Notepad save it", () => {
  it("pingan check-config reads Excel's GBK CSV, run as the admin runs it, and says it read GBK", async () => {
    const roster = useRoster(`${FIXTURES}/schools-excel-gbk.csv`, "学校名单.csv");
    const { stdout } = await promisify(execFile)(process.execPath, pinganArgs("check-config", "--config", configPath), {
      env: { ...process.env, ...TEST_ENV, PINGAN_NOW: OCTOBER },
    });
    const lines = stdout.trimEnd().split("\n");
    expect(lines.slice(0, 3)).toEqual([
      `配置正确：${configPath}`,
      SUMMARY,
      `说明：${roster} 是 GBK（中文 Windows 上 Excel、记事本的默认编码），已按 GBK 读取`,
    ]);
  });

  it("reads Excel's Unicode text (UTF-16LE, tab-separated) and says so; WPS's UTF-8 with BOM needs no note", async () => {
    const unicode = useRoster(`${FIXTURES}/schools-excel-unicode.txt`, "学校名单.txt");
    const fromUnicode = await pingan("check-config");
    expect(fromUnicode.code).toBe(0);
    expect(fromUnicode.lines.slice(1, 3)).toEqual([SUMMARY, `说明：${unicode} 是 UTF-16LE（Excel 的“Unicode 文本”），已按 UTF-16LE 读取`]);

    useRoster(`${FIXTURES}/schools-wps-utf8-bom.csv`, "wps.csv");
    const fromBom = await pingan("check-config");
    expect(fromBom.code).toBe(0);
    expect(fromBom.lines[1]).toBe(SUMMARY);
    expect(fromBom.lines.filter((line) => line.startsWith("说明："))).toEqual([]);
  });

  it("names the right line of a bad row in a GBK roster", async () => {
    useRoster(`${FIXTURES}/schools-excel-gbk-bad-row.csv`, "bad.csv");
    const { code, lines } = await pingan("check-config");
    expect(code).toBe(1);
    expect(lines.slice(0, 2)).toEqual([
      "配置有 1 处问题，改正后再启动：",
      `${join(dir, "bad.csv")}:4 学生数: 学生数不是数字："一千二"。写不带小数的整数，例如 1200`,
    ]);
  });

  it("pingan roster ids reads a member list saved from Excel as a GBK CSV", async () => {
    useRoster("config/schools.example.csv", "schools.csv");
    const out = join(dir, "filled.csv");
    const directory = `${FIXTURES}/directory-export-excel-gbk.csv`;
    const { lines } = await pingan("roster", "ids", directory, "--out", out);
    expect(lines[0]).toBe(`说明：${directory} 是 GBK（中文 Windows 上 Excel、记事本的默认编码），已按 GBK 读取`);
    expect(lines[1]).toMatch(/^通讯录 test\/fixtures\/encodings\/directory-export-excel-gbk\.csv：成员 3\d 人$/);
  });

  it("refuses a PDF saved as the roster, naming what it looks like", async () => {
    const roster = join(dir, "pdf.csv");
    writeFileSync(roster, "%PDF-1.4\n%\xe2\xe3\xcf\xd3\n");
    writeFileSync(configPath, readFileSync("config/pingan.example.yaml", "utf8").replace("roster: schools.example.csv", "roster: pdf.csv"));
    const { code, lines } = await pingan("check-config");
    expect(code).toBe(1);
    expect(lines[1]).toBe(`${roster}: 看起来是 PDF 文件，不是文本。请用 Excel 工作簿（.xlsx），或在 Excel 里“另存为 → CSV”得到的文件`);
  });
});

describe("the holiday notice as Notepad and WPS save it", () => {
  const imported = async (file: string) => {
    const { code, lines } = await pingan("holidays", "import", file);
    expect(code).toBe(0);
    return { lines, yaml: readFileSync(holidaysPath, "utf8") };
  };

  it("imports the GBK, UTF-16 and UTF-8-with-BOM copies as the UTF-8 original, saying which encoding it read", async () => {
    useRoster("config/schools.example.csv", "schools.csv");
    const original = await imported("test/fixtures/notices/2026.txt");
    for (const [fixture, note] of [
      ["notice-2026-notepad-gbk.txt", "GBK（中文 Windows 上 Excel、记事本的默认编码），已按 GBK 读取"],
      ["notice-2026-notepad-unicode.txt", "UTF-16LE（Excel 的“Unicode 文本”），已按 UTF-16LE 读取"],
      ["notice-2026-wps-utf8-bom.txt", undefined],
    ] as const) {
      rmSync(holidaysPath, { force: true });
      const file = `${FIXTURES}/${fixture}`;
      const copy = await imported(file);
      expect(copy.yaml).toBe(original.yaml);
      expect(copy.lines).toEqual(note === undefined ? original.lines : [`说明：${file} 是 ${note}`, ...original.lines]);
    }
  });

  it("refuses a PDF, a workbook and other bytes, naming what they look like, and writes nothing", async () => {
    useRoster("config/schools.example.csv", "schools.csv");
    const files: [string, Uint8Array, string][] = [
      ["通知.pdf.txt", Buffer.from("%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\n"), "看起来是 PDF 文件，不是文本"],
      ["通知.xlsx.txt", readFileSync("test/fixtures/config/schools-bureau.xlsx"), "看起来是 Word 或 Excel 文档（.docx、.xlsx，压缩格式），不是文本"],
      ["通知.bin", Uint8Array.from({ length: 256 }, (_, i) => i), "不是文本文件（不是 UTF-8、GBK 或 UTF-16 编码的文字）"],
    ];
    for (const [name, bytes, looksLike] of files) {
      const path = join(dir, name);
      writeFileSync(path, bytes);
      const { code, lines } = await pingan("holidays", "import", path);
      expect(code).toBe(1);
      expect(lines).toEqual([`没有导入：${path} ${looksLike}。请把网页上的通知全文复制到记事本，存成 .txt 文件再运行。`]);
      expect(existsSync(holidaysPath)).toBe(false);
    }
  });
});
