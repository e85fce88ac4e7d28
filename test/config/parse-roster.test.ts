import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ConfigError } from "../../src/config/config-error.js";
import { parseRoster } from "../../src/config/parse-roster.js";

const loadRoster = async (path: string) => parseRoster(readFileSync(path), path);

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
  expect(error).toBeInstanceOf(ConfigError);
  return (error as ConfigError).problems;
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
    ]);
    expect(problems.every((p) => p.file === path)).toBe(true);
    expect(problems.find((p) => p.line === 4)!.hint).toContain("1200");
    expect(problems.find((p) => p.line === 5)!.hint).toContain("zhang_wei|li_na");
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

  it("rejects a bad header and says what to write", async () => {
    const path = writeCsv("code,name,short_name,area,stage,reporter,pupils\nCG001,城关小学,,城关片区,小学,zhang_wei,1200\n");
    const problems = await problemsOf(path);
    expect(problems.map((p) => [p.line, p.message])).toEqual([
      [1, '表头有不认识的列 "reporter"'],
      [1, "表头缺少列：上报人（reporters）、教职工数（staff）"],
    ]);
    expect(problems[0]!.hint).toContain("学校代码,学校名称,简称,片区,学段,上报人,学生数,教职工数");
  });

  it("counts lines across a quoted field that spans lines", async () => {
    const path = writeCsv(`${EN_HEADER}\nCG001,"城关\n小学",,城关片区,小学,zhang_wei,100,10\nCG002,城关二小,,城关片区,小学,li_na,abc,10\n`);
    const problems = await problemsOf(path);
    expect(problems.map((p) => [p.line, p.key, p.message])).toEqual([[4, "pupils", '学生数不是数字："abc"']]);
  });

  it("reports an empty file", async () => {
    expect((await problemsOf(writeCsv("\uFEFF\n\n"))).map((p) => p.message)).toEqual(["学校名单是空的"]);
  });
});
