import { execFile } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import ExcelJS from "exceljs";
import { afterAll, describe, expect, it } from "vitest";
import { checkConfig } from "../../src/cli/check-config.js";
import { createConfigSource } from "../../src/config/config-source.js";
import { parseRoster } from "../../src/config/parse-roster.js";
import { readTable } from "../../src/config/read-table.js";
import { lookUp } from "../../src/cli/fill-roster-ids.js";
import type { DirectoryMember } from "../../src/cli/read-directory-export.js";
import { pinganArgs } from "../support/pingan-command.js";
import { TEST_ENV } from "../support/test-env.js";

/**
 * The member list as WeCom's admin console exports it (通讯录 → 导出成员): three title rows
 * (the company, when and by whom it was exported, a note), then 姓名 帐号 别名 职务 部门 性别 手机
 * 座机 邮箱 地址 状态. It holds the example roster's reporters with their departments, a second
 * 张伟 (a teacher at 县一中) and 李娜 (at 北山中学), a second 王芳 whose account is disabled, a
 * 唐林 not yet activated, and no 马瑞 (县三中's principal has not joined).
 */
const DIRECTORY = "test/fixtures/roster/directory-export.xlsx";
/** schools-bureau.xlsx with the 上报人账号 column emptied, except 县一中's (zhao_min|sun_li). */
const NAMES_ONLY = "test/fixtures/roster/schools-names-only.xlsx";

const dir = mkdtempSync(join(tmpdir(), "pingan-roster-ids-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const run = promisify(execFile);
const ENV = { ...process.env, ...TEST_ENV, PINGAN_CONFIG: join(dir, "pingan.yaml") };
async function pingan(...args: string[]): Promise<{ code: number; lines: string[] }> {
  const { code, stdout } = await run(process.execPath, pinganArgs(...args), { env: ENV }).then(
    ({ stdout }) => ({ code: 0, stdout }),
    (error: { code: number; stdout: string }) => error,
  );
  return { code, lines: stdout.trimEnd().split("\n") };
}

/** The example roster's accounts by school code. */
const EXPECTED = new Map(
  readFileSync("config/schools.example.csv", "utf8")
    .trim()
    .split("\n")
    .slice(1)
    .map((line) => line.split(","))
    .map((cells) => [cells[0]!, cells[5]!.replace(/ /g, "")]),
);

describe("looking a name up among namesakes", () => {
  const member = (userid: string, departments: string[], status = "已激活"): DirectoryMember => ({ name: "张伟", userid, departments, position: "", status, line: 1 });
  const byName = (...members: DirectoryMember[]) => new Map([["张伟", members]]);
  const school = ["平安县城关第一小学", "城关一小"];

  it("takes the one namesake whose department path names the school, by its name or its 简称, exactly", () => {
    const principal = member("zhang_wei", ["平安县教育局/城关片区/平安县城关第一小学/校长室"]);
    expect(lookUp("张伟", byName(principal, member("zw2", ["平安县教育局/平安县第一中学"])), school)).toMatchObject({ kind: "byDepartment", member: { userid: "zhang_wei" }, namesakes: 2 });
    const byShortName = member("zhang_wei", ["城关片区/城关一小"]);
    expect(lookUp("张伟", byName(member("zw2", ["城关片区/城关二小"]), byShortName), school)).toMatchObject({ kind: "byDepartment", member: { userid: "zhang_wei" } });
  });

  it("never guesses: two in the school, none in it, a name that only contains the school's, or no school known leave the admin to choose", () => {
    const two = byName(member("a", ["城关片区/城关一小"]), member("b", ["平安县城关第一小学"]));
    expect(lookUp("张伟", two, school).kind).toBe("ambiguous");
    const none = byName(member("a", ["城关片区/城关二小"]), member("b", ["平安县第一中学"]));
    expect(lookUp("张伟", none, school).kind).toBe("ambiguous");
    const containing = byName(member("a", ["城关片区/城关一小分校"]), member("b", ["平安县第一中学"]));
    expect(lookUp("张伟", containing, school).kind).toBe("ambiguous");
    expect(lookUp("张伟", byName(member("a", ["城关一小"]), member("b", ["城关二小"]))).kind).toBe("ambiguous");
    // A disabled namesake in the school's department is nobody's account: the other one is the only one usable.
    expect(lookUp("张伟", byName(member("a", ["城关一小"], "已禁用"), member("b", ["城关二小"])), school)).toEqual({ kind: "filled", userid: "b" });
  });
});

describe("pingan roster ids", () => {
  it("fills an Excel roster's 上报人账号 from its 上报人姓名, a namesake only by the school's own department (said, to check), and lists names not found", async () => {
    const out = join(dir, "filled.xlsx");
    const { code, lines } = await pingan("roster", "ids", DIRECTORY, "--roster", NAMES_ONLY, "--out", out);
    expect(code).toBe(1);
    expect(lines).toEqual([
      `通讯录 ${DIRECTORY}：成员 35 人`,
      `名单 ${NAMES_ONLY}：上报人姓名 31 个，原有账号 2 个，按姓名查到 28 个`,
      "按部门确定的 2 个（通讯录里有同名的人，只有这一位在本校的部门里，已填上；请核对）：",
      "  第 4 行 城关一小 张伟：zhang_wei（平安县教育局/城关片区/平安县城关第一小学，校长）（同名 2 人）",
      "  第 4 行 城关一小 李娜：li_na（平安县教育局/城关片区/平安县城关第一小学，安全专干）（同名 2 人）",
      "通讯录里没有的 1 个（请核对姓名，或请他们先加入企业微信）：",
      "  第 18 行 县三中 马瑞",
      `已写入 ${out}。`,
      "请在上面列出的行里补上账号（上报人列与上报人姓名按 | 一一对应），再运行 pingan check-config。",
    ]);
    const { rows } = await readTable(readFileSync(out), out);
    const accounts = new Map(rows.slice(3, 31).map((row) => [row.fields[3]!, row.fields[9] ?? ""]));
    // Everyone found once, or alone in the school's department, is filled; 王芳's disabled namesake is no one's account; 马瑞 stays empty.
    expect(accounts).toEqual(new Map([...EXPECTED].map(([code, ids]) => [code, code === "DB007" ? "" : ids])));
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(readFileSync(out) as unknown as ExcelJS.Buffer);
    expect(workbook.worksheets.map((sheet) => sheet.name)).toEqual(["学校名单", "填表说明"]);
    expect(workbook.getWorksheet("学校名单")!.getCell("K32").value).toMatchObject({ formula: "SUM(K4:K31)" });
    expect(workbook.getWorksheet("学校名单")!.getCell("A1").value).toBe("平安县中小学校基本情况及平安日报上报人名单（2026年秋季学期）");
  });

  it("does not overwrite the filled roster of an earlier run, where the admin types the accounts it could not find", async () => {
    const own = join(dir, "second-run");
    mkdirSync(own);
    const roster = join(own, "名单.xlsx");
    copyFileSync(NAMES_ONLY, roster);
    expect((await pingan("roster", "ids", DIRECTORY, "--roster", roster)).code).toBe(1);
    const filled = join(own, "名单-已填账号.xlsx");
    writeFileSync(filled, "the admin's edits");
    const { code, lines } = await pingan("roster", "ids", DIRECTORY, "--roster", roster);
    expect(code).toBe(1);
    expect(lines.at(-2)).toContain(`${filled} 已经有了，没有覆盖它`);
    expect(lines.at(-1)).toBe("没有写入任何文件。");
    expect(readFileSync(filled, "utf8")).toBe("the admin's edits");
  });

  it("fills the config's CSV roster beside it, and the result passes check-config", async () => {
    const csv = readFileSync("config/schools.example.csv", "utf8")
      .split("\n")
      .filter((line) => !/^(CG001|DB007),/.test(line))
      .map((line) => (line.startsWith("学校代码") || line === "" ? line : line.replace(/^((?:[^,]*,){5})[^,]*/, "$1")))
      .join("\n");
    writeFileSync(join(dir, "schools.csv"), csv);
    writeFileSync(join(dir, "pingan.yaml"), readFileSync("config/pingan.example.yaml", "utf8").replace("roster: schools.example.csv", "roster: schools.csv"));
    const before = await checkConfig({ source: createConfigSource(join(dir, "pingan.yaml"), TEST_ENV), now: new Date("2026-10-20T09:00:00+08:00"), out: () => {} });
    expect(before).toBe(1);

    const { code, lines } = await pingan("roster", "ids", DIRECTORY);
    const filled = join(dir, "schools-已填账号.csv");
    expect(code).toBe(0);
    expect(lines.slice(-2)).toEqual([`已写入 ${filled}。`, "每个人都有了账号。把它作为配置里的 roster，再运行 pingan check-config。"]);
    const schools = (await parseRoster(readFileSync(filled), filled)).schools;
    expect(schools).toHaveLength(26);
    for (const school of schools) expect(school.reporters.join("|")).toBe(EXPECTED.get(school.code));

    copyFileSync(filled, join(dir, "schools.csv"));
    const after: string[] = [];
    expect(await checkConfig({ source: createConfigSource(join(dir, "pingan.yaml"), TEST_ENV), now: new Date("2026-10-20T09:00:00+08:00"), out: (line) => after.push(line) })).toBe(0);
    expect(after[1]).toMatch(/^学校 26 所/);
  });

  it("writes an Excel roster as CSV when asked, and adds the 上报人 column when the roster has none", async () => {
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(readFileSync(NAMES_ONLY) as unknown as ExcelJS.Buffer);
    workbook.getWorksheet("学校名单")!.spliceColumns(10, 1);
    const noColumn = join(dir, "no-column.xlsx");
    await workbook.xlsx.writeFile(noColumn);
    const out = join(dir, "no-column.csv");
    const { lines } = await pingan("roster", "ids", DIRECTORY, "--roster", noColumn, "--out", out);
    expect(lines).toContain(`已写入 ${out}。`);
    const { rows } = await readTable(readFileSync(out), out);
    expect(rows.find((row) => row.fields[0] === "序号")!.fields.at(-1)).toBe("上报人");
    expect(rows.find((row) => row.fields[3] === "XB005")!.fields.at(-1)).toBe("zhou_jie");
  });

  it("fills the accounts of a role the config's kinds are reported by (校医) from its 校医姓名, adding the column, as it fills the 上报人", async () => {
    const roles = join(dir, "roles");
    mkdirSync(roles);
    // 城关二小's 校医 is 刘洋 (found once), 城关三小's 张伟 (two of them), 实验小学's (CG004) 马瑞 (not in the directory); the others have none.
    const doctors: Record<string, string> = { CG002: "刘洋", CG003: "张伟", CG004: "马瑞" };
    const csv = readFileSync("config/schools.example.csv", "utf8")
      .trim()
      .split("\n")
      .map((line, i) => `${line},${i === 0 ? "校医姓名" : (doctors[line.split(",")[0]!] ?? "")}`)
      .join("\n");
    writeFileSync(join(roles, "schools.csv"), `${csv}\n`);
    writeFileSync(join(roles, "pingan.yaml"), readFileSync("config/pingan.example.yaml", "utf8").replace("roster: schools.example.csv", "roster: schools.csv").replace("    name: 晨午检\n", "    name: 晨午检\n    reporters: 校医\n"));
    const { code, lines } = await pingan("roster", "ids", DIRECTORY, "--config", join(roles, "pingan.yaml"));
    const filled = join(roles, "schools-已填账号.csv");
    expect(code).toBe(1);
    expect(lines).toEqual([
      `通讯录 ${DIRECTORY}：成员 35 人`,
      `名单 ${join(roles, "schools.csv")}：上报人姓名 31 个，原有账号 31 个，按姓名查到 0 个`,
      `名单 ${join(roles, "schools.csv")}：校医姓名 3 个，原有账号 0 个，按姓名查到 1 个`,
      "同名的 1 个，查不准是谁，请在名单里填上账号：",
      "  第 4 行 城关三小 校医 张伟：zhang_wei（平安县教育局/城关片区/平安县城关第一小学，校长）；zhangwei2（平安县教育局/城关片区/平安县第一中学，教师）",
      "通讯录里没有的 1 个（请核对姓名，或请他们先加入企业微信）：",
      "  第 5 行 实验小学 校医 马瑞",
      `已写入 ${filled}。`,
      "请在上面列出的行里补上账号（上报人列与上报人姓名、校医列与校医姓名按 | 一一对应），再运行 pingan check-config。",
    ]);
    const { rows } = await readTable(readFileSync(filled), filled);
    expect(rows[0]!.fields.slice(-2)).toEqual(["校医姓名", "校医"]);
    const doctorOf = new Map(rows.slice(1).map((row) => [row.fields[0]!, row.fields[rows[0]!.fields.indexOf("校医")] ?? ""]));
    expect(doctorOf.get("CG002")).toBe("liu_yang");
    expect([...doctorOf].filter(([code]) => code !== "CG002").every(([, account]) => account === "")).toBe(true);
    // The 上报人 were all there: left as they were.
    expect(new Map(rows.slice(1).map((row) => [row.fields[0]!, row.fields[5]!]))).toEqual(new Map([...EXPECTED].map(([code, ids]) => [code, ids])));
  });

  describe("refuses, writing nothing", () => {
    it("a roster without 上报人姓名", async () => {
      const out = join(dir, "never.csv");
      const { code, lines } = await pingan("roster", "ids", DIRECTORY, "--roster", "test/fixtures/config/schools-gbk.csv", "--out", out);
      expect(code).toBe(1);
      expect(lines[0]).toContain("名单里没有“上报人姓名”列");
      expect(lines.at(-1)).toBe("没有写入任何文件。");
      expect(existsSync(out)).toBe(false);
    });

    it("a member list that is not the console's export, and a directory given as a file", async () => {
      const notExport = await pingan("roster", "ids", NAMES_ONLY, "--roster", NAMES_ONLY, "--out", join(dir, "never.xlsx"));
      expect(notExport.code).toBe(1);
      expect(notExport.lines[0]).toContain("找不到“姓名”“帐号”两列：这不像企业微信管理后台导出的成员表");
      const folder = await pingan("roster", "ids", dir, "--roster", NAMES_ONLY, "--out", join(dir, "never.xlsx"));
      expect(folder.lines).toEqual([`${dir} 是一个目录，不是普通文件`, "没有写入任何文件。"]);
      expect(existsSync(join(dir, "never.xlsx"))).toBe(false);
    });

    it("an output that is the roster itself", async () => {
      const { code, lines } = await pingan("roster", "ids", DIRECTORY, "--roster", NAMES_ONLY, "--out", NAMES_ONLY);
      expect(code).toBe(1);
      expect(lines[0]).toContain("就是输入的名单");
    });
  });
});
