import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setFlagsFromString } from "node:v8";
import { afterAll, describe, expect, it } from "vitest";
import { CodedError, ErrorCode, hasCode } from "../../src/errors.js";
import { parseRoster } from "../../src/config/parse-roster.js";
import { writeZip } from "../support/write-zip.js";

const loadRoster = async (path: string) => (await parseRoster(readFileSync(path), path)).schools;

const dir = mkdtempSync(join(tmpdir(), "pingan-roster-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const EN_HEADER = "code,name,short_name,area,stage,reporters,pupils,staff";
let fileCount = 0;
function writeCsv(content: string | Uint8Array): string {
  const path = join(dir, `roster-${++fileCount}.csv`);
  writeFileSync(path, content);
  return path;
}

async function problemsOf(path: string) {
  const error = await loadRoster(path).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(hasCode(error, ErrorCode.ConfigInvalid)).toBe(true);
  return (error as CodedError<ErrorCode.ConfigInvalid>).details.problems;
}

describe("parseRoster", () => {
  it("reads the example roster with its Chinese header", async () => {
    const schools = await loadRoster("config/schools.example.csv");
    expect(schools.length).toBeGreaterThanOrEqual(24);
    expect(new Set(schools.map((s) => s.area))).toEqual(new Set(["城关片区", "东部片区", "西部片区", "北部片区"]));
    expect(new Set(schools.map((s) => s.stage))).toEqual(new Set(["小学", "初中", "九年一贯制", "高中"]));
    const first = schools[0]!;
    expect(first).toEqual({
      code: "CG001",
      name: "平安县城关第一小学",
      shortName: "城关一小",
      area: "城关片区",
      stage: "小学",
      reporters: ["zhang_wei", "li_na"],
      reporterNames: ["张伟", "李娜"],
      pupils: 2136,
      staff: 112,
      line: 2,
    });
    expect(schools.filter((s) => s.reporters.includes("zhou_jie")).map((s) => s.code)).toEqual(["XB004", "XB005"]);
    expect(schools.find((s) => s.code === "CG007")!.reporters).toEqual(["zhao_min", "sun_li"]);
    expect(Object.isFrozen(first)).toBe(true);
  });

  it("reads an English header with a BOM, blank lines, spaces around | and full-width digits", async () => {
    const path = writeCsv(
      `\uFEFF ${EN_HEADER} \n` +
        "CG001,城关小学,城关,城关片区,小学, zhang_wei | li_na ,１２００,８６\n" +
        "\n" +
        "   \n" +
        ",,,,,,,\n" +
        'DB001,"东湖镇中心小学(本部,分校)",,东部片区,小学,he_jun,"1,024",52\n',
    );
    const schools = await loadRoster(path);
    expect(schools.map((s) => [s.code, s.line, s.reporters, s.pupils, s.staff, s.shortName])).toEqual([
      ["CG001", 2, ["zhang_wei", "li_na"], 1200, 86, "城关"],
      ["DB001", 6, ["he_jun"], 1024, 52, ""],
    ]);
    expect(schools[1]!.name).toBe("东湖镇中心小学(本部,分校)");
  });

  it("decodes a GBK file saved by Excel", async () => {
    const schools = await loadRoster("test/fixtures/config/schools-gbk.csv");
    expect(schools.map((s) => [s.code, s.name, s.area, s.stage, s.line])).toEqual([
      ["CG001", "平安县城关第一小学", "城关片区", "小学", 2],
      ["DB005", "平安县白沙乡九年一贯制学校", "东部片区", "九年一贯制", 3],
      ["XB004", "平安县枫林乡中心小学", "西部片区", "小学", 4],
    ]);
  });

  it("names the CSV line and column of every bad row", async () => {
    const path = writeCsv(
      [
        "学校代码,学校名称,简称,片区,学段,上报人,学生数,教职工数",
        "CG001,城关一小,一小,城关片区,小学,zhang_wei,1200,80",
        "CG001,城关二小,二小,城关片区,小学,li_na,900,60",
        "CG003,城关三小,三小,城关片区,小学,wang_fang,-5,40",
        "CG004,城关四小,四小,城关片区,小学,张伟,300,20",
        "CG005,城关五小,五小,城关片区,小学,liu_yang，chen_jing,300,20",
        "CG006,,六小,城关片区,小学,yang_lei,300,12.5",
        "CG007,城关七小,城关一小,城关片区,小学,xu_tao,300,20",
        "CG008,城关八小,八小,城关片区,小学,hu_bin,300,20,多余",
        "CG009,城关九小,九小,城关片区",
        "CG010,城关十小,十小,城关片区,小学,ma_li,99999999999999999999,20",
      ].join("\n"),
    );
    const problems = await problemsOf(path);
    const brief = problems.map((p) => [p.line, p.key, p.message]);
    expect(brief).toEqual([
      [3, "学校代码", '学校代码 "CG001" 与第 2 行重复'],
      [4, "学生数", '学生数不能是负数："-5"'],
      [5, "上报人", '上报人 "张伟" 不是企业微信账号（userid）'],
      [6, "上报人", "多个上报人要用 | 分隔"],
      [7, "学校名称", "缺少学校名称"],
      [7, "教职工数", '教职工数要写整数："12.5"'],
      [8, "简称", '简称 "城关一小" 与第 2 行学校的学校名称相同'],
      [9, undefined, "这一行有 9 列，比表头的 8 列多"],
      [10, undefined, "这一行只有 4 列，表头有 8 列"],
      [11, "学生数", '学生数太大："99999999999999999999"（最多 100 万）'],
    ]);
    expect(problems.every((p) => p.file === path)).toBe(true);
    expect(problems.find((p) => p.line === 4)!.hint).toContain("1200");
    expect(problems.find((p) => p.line === 5)!.hint).toContain("pingan roster ids");
    expect(problems.find((p) => p.line === 6)!.hint).toContain("zhang_wei|li_na");
    // Each hint fits its column: a duplicated short name is not "fixed" by the same short name.
    expect(problems.find((p) => p.line === 3)!.hint).toContain("例如 CG002");
    expect(problems.find((p) => p.line === 8)!.hint).not.toContain("城关一小");
    expect(problems.find((p) => p.line === 8)!.hint).toContain("简称");
  });

  it("reads the reporters' names in the order of their accounts, and names a count that does not match", async () => {
    const path = writeCsv(
      [
        "学校代码,学校名称,简称,片区,学段,上报人,上报人姓名,学生数,教职工数",
        "CG001,城关一小,一小,城关片区,小学,zhang_wei|li_na,张伟|李娜,1200,80",
        "CG002,城关二小,二小,城关片区,小学,wang_fang|liu_yang,王芳|,900,60",
        "CG003,城关三小,三小,城关片区,小学,chen_jing,,300,40",
      ].join("\n"),
    );
    const schools = await loadRoster(path);
    expect(schools.map((s) => s.reporterNames)).toEqual([["张伟", "李娜"], ["王芳", ""], undefined]);
    const broken = writeCsv(
      ["code,name,short_name,area,stage,reporters,reporter_names,pupils,staff", "CG001,城关一小,一小,城关片区,小学,zhang_wei|li_na,张伟，李娜,1200,80"].join("\n"),
    );
    const problems = await problemsOf(broken);
    expect(problems.map((p) => [p.line, p.key, p.message])).toEqual([
      [2, "reporter_names", "上报人姓名有 1 个，上报人账号有 2 个，两列要按同样的顺序一一对应"],
    ]);
    expect(problems[0]!.hint).toContain("张伟|李娜");
  });

  it("tells a school listed twice once, as the row to delete", async () => {
    const row = "CG002,城关二小,二小,城关片区,小学,wang_fang,900,60";
    const path = writeCsv([EN_HEADER, "CG001,城关一小,一小,城关片区,小学,zhang_wei,1200,80", row, row].join("\n"));
    const problems = await problemsOf(path);
    expect(problems.map((p) => [p.line, p.key, p.message, p.hint])).toEqual([[4, undefined, "这所学校第 3 行已经有了（学校代码和名称都相同）", "同一所学校只写一行：删掉这一行"]]);
  });

  it("tells a roster of names without accounts once a row, pointing to pingan roster ids, and a bad 上报人 cell without its names count", async () => {
    const path = writeCsv(
      [
        "学校代码,学校名称,简称,片区,学段,上报人,上报人姓名,学生数,教职工数",
        "CG001,城关一小,一小,城关片区,小学,,张伟|李娜,1200,80",
        "CG002,城关二小,二小,城关片区,小学,wang_fang、liu_yang,王芳|刘洋,900,60",
      ].join("\n"),
    );
    const problems = await problemsOf(path);
    expect(problems.map((p) => [p.line, p.key, p.message])).toEqual([
      [2, "上报人", "缺少上报人"],
      [3, "上报人", "多个上报人要用 | 分隔"],
    ]);
    expect(problems[0]!.hint).toContain("pingan roster ids");
    expect(problems[1]!.hint).toContain("zhang_wei|li_na");
  });

  it("rejects a header that lacks a column, naming the typo it probably is, and says what to write", async () => {
    const path = writeCsv("code,name,short_name,area,stage,reporter,pupils\nCG001,城关小学,,城关片区,小学,zhang_wei,1200\n");
    const problems = await problemsOf(path);
    expect(problems.map((p) => [p.line, p.message])).toEqual([[1, '表头缺少列：上报人（reporters）、教职工数（staff）；"reporter" 是不是想写 reporters？']]);
    expect(problems[0]!.hint).toContain("学校代码,学校名称,简称,片区,学段,上报人,学生数,教职工数");
  });

  it("refuses two columns that mean the same (学生数 and 在校生数)", async () => {
    const path = writeCsv("学校代码,学校名称,片区,学段,上报人,学生数,在校生数,教职工数\nCG001,城关小学,城关片区,小学,zhang_wei,1200,1200,80\n");
    expect((await problemsOf(path)).map((p) => [p.line, p.message])).toEqual([[1, '表头的列 "在校生数" 和 "学生数" 是同一项，只能留一列']]);
  });

  it("counts lines across a quoted field that spans lines", async () => {
    const path = writeCsv(`${EN_HEADER}\nCG001,"城关\n小学",,城关片区,小学,zhang_wei,100,10\nCG002,城关二小,,城关片区,小学,li_na,abc,10\n`);
    const problems = await problemsOf(path);
    expect(problems.map((p) => [p.line, p.key, p.message])).toEqual([[4, "pupils", '学生数不是数字："abc"']]);
  });

  it("skips a 合计 row whose 合计 sits in the code column, as Excel's first column", async () => {
    const path = writeCsv(`${EN_HEADER}\nCG001,城关小学,城关,城关片区,小学,zhang_wei,1200,86\n合计,,,,,,1200,86\n`);
    expect((await loadRoster(path)).map((s) => s.code)).toEqual(["CG001"]);
  });

  it("reports an empty file", async () => {
    expect((await problemsOf(writeCsv("\uFEFF\n\n"))).map((p) => p.message)).toEqual(["学校名单是空的"]);
  });
});

/**
 * The roster as the bureau keeps it in Excel: the example's 28 schools under a merged title row
 * and a 填报单位 row, with 序号, 校长, 联系电话 and 备注 columns, headers 学校简称, 所属片区,
 * 上报人账号, 在校生数, a 合计 row of SUM formulas at the bottom, and a second sheet 填表说明.
 */
const BUREAU_XLSX = "test/fixtures/config/schools-bureau.xlsx";

describe("parseRoster on an Excel workbook", () => {
  const fromCsv = async () => (await parseRoster(readFileSync("config/schools.example.csv"), "config/schools.example.csv")).schools;
  const withoutLines = (schools: readonly { line: number }[]) => schools.map(({ line: _line, ...school }) => school);

  it("reads the first sheet under its title rows: the same schools as the CSV, rows as lines, the unused columns named once", async () => {
    const { schools, ignoredColumns } = await parseRoster(readFileSync(BUREAU_XLSX), BUREAU_XLSX);
    expect(withoutLines(schools)).toEqual(withoutLines(await fromCsv()));
    expect(schools[0]!.line).toBe(4);
    expect(schools.at(-1)!.line).toBe(31);
    expect(ignoredColumns).toEqual(["序号", "校长", "联系电话", "备注"]);
  });

  it("reads the sheet named, and says which sheets there are when the name is wrong", async () => {
    const bytes = readFileSync(BUREAU_XLSX);
    expect((await parseRoster(bytes, BUREAU_XLSX, { sheet: "学校名单" })).schools).toHaveLength(28);
    const error = await parseRoster(bytes, BUREAU_XLSX, { sheet: "名单" }).catch((e: unknown) => e as CodedError<ErrorCode.ConfigInvalid>);
    expect((error as CodedError<ErrorCode.ConfigInvalid>).details.problems.map((p) => p.message)).toEqual(['工作簿里没有名为 "名单" 的工作表；有：学校名单、填表说明']);
  });

  /** The bureau's workbook with its 学校名单 sheet changed by `change`, read: its problems as [line, key, message]. */
  async function workbookProblems(name: string, change: (sheet: import("exceljs").Worksheet) => void): Promise<[number | undefined, string | undefined, string][]> {
    const ExcelJS = (await import("exceljs")).default;
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(readFileSync(BUREAU_XLSX) as unknown as import("exceljs").Buffer);
    change(workbook.getWorksheet("学校名单")!);
    const path = join(dir, name);
    await workbook.xlsx.writeFile(path);
    const error = await parseRoster(readFileSync(path), path).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(hasCode(error, ErrorCode.ConfigInvalid)).toBe(true);
    return (error as CodedError<ErrorCode.ConfigInvalid>).details.problems.map((p) => [p.line, p.key, p.message]);
  }

  it("names the row and column of a bad cell, as for CSV", async () => {
    const problems = await workbookProblems("bad-cells.xlsx", (sheet) => {
      sheet.getCell("K6").value = "约1400";
      sheet.getCell("J9").value = "陈静";
    });
    expect(problems).toEqual([
      [6, "在校生数", '学生数不是数字："约1400"'],
      [9, "上报人账号", '上报人 "陈静" 不是企业微信账号（userid）'],
    ]);
  });

  it("shows a date-formatted count as Excel shows it, and a formula the file holds no result of as the formula", async () => {
    const problems = await workbookProblems("date-and-formula.xlsx", (sheet) => {
      sheet.getCell("K6").value = new Date(Date.UTC(1904, 7, 10));
      sheet.getCell("K6").numFmt = "yyyy-mm-dd";
      sheet.getCell("K7").value = { formula: "1000+400" } as import("exceljs").CellFormulaValue;
    });
    expect(problems).toEqual([
      [6, "在校生数", '学生数不是数字："1904-08-10"'],
      [7, "在校生数", '学生数不是数字："=1000+400"'],
    ]);
  });

  describe("refuses a file that is not what it claims, in one line", () => {
    const cases: Array<[string, string, Uint8Array | string, string]> = [
      ["an .xlsx that is really CSV", "csv.xlsx", readFileSync("config/schools.example.csv"), "的扩展名是 .xlsx，内容却是文本（CSV），不是 Excel 工作簿"],
      ["an .xlsx that is garbage", "garbage.xlsx", Buffer.from([0x00, 0x01, 0x02, 0xff, 0x00, 0x50]), "不是 Excel 工作簿（.xlsx），可能已损坏或是别的文件"],
      ["a zip that is not a workbook", "docs.xlsx", writeZip({ "readme.txt": Buffer.from("hello") }), "不是 Excel 工作簿（.xlsx），可能已损坏或是别的文件"],
      ["an old .xls, whatever its name", "old.xlsx", Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0]), "这是旧版 Excel 97-2003 工作簿（.xls），读不了"],
      ["a workbook named .csv", "book.csv", readFileSync(BUREAU_XLSX), "的内容是 Excel 工作簿（.xlsx），扩展名却不是 .xlsx"],
      [
        "a workbook that unpacks to 60 MB",
        "huge.xlsx",
        writeZip({ "xl/worksheets/sheet1.xml": Buffer.alloc(60 * 1024 * 1024, "<row><c><v>1</v></c></row>") }),
        "这个工作簿解压后有 60.0 MB（最多 50.0 MB），不像是一份名单",
      ],
    ];
    for (const [what, name, bytes, message] of cases) {
      it(what, async () => {
        const path = join(dir, name);
        writeFileSync(path, bytes);
        const problems = await problemsOf(path);
        expect(problems).toHaveLength(1);
        expect(problems[0]!.file).toBe(path);
        expect(problems[0]!.message).toContain(message);
      });
    }
  });
});

describe("the schools parseRoster hands out", () => {
  it("share one hidden class: a school's fields are read on every path, and a shape per school made each read megamorphic", async () => {
    setFlagsFromString("--allow-natives-syntax");
    const haveSameMap = new Function("a", "b", "return %HaveSameMap(a, b)") as (a: object, b: object) => boolean;
    const { schools } = await parseRoster(readFileSync("config/schools.example.csv"), "config/schools.example.csv");
    expect(schools.length).toBeGreaterThan(20);
    expect(Object.isFrozen(schools[0])).toBe(true);
    expect(schools.filter((school) => !haveSameMap(school, schools[0]!)).map((school) => school.code)).toEqual([]);
  });
});
