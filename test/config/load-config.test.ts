import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { CodedError, ErrorCode, hasCode } from "../../src/errors.js";
import type { ConfigProblem } from "../../src/errors.js";
import { loadConfig } from "../../src/config/load-config.js";
import { TEST_AES_KEY } from "../support/test-env.js";

const EXAMPLE = readFileSync("config/pingan.example.yaml", "utf8");
const ENV = {
  WECOM_TOKEN: "tok-3f9a1c",
  WECOM_ENCODING_AES_KEY: TEST_AES_KEY,
  WEBHOOK_KEY_PRINCIPALS: "0b6c2e9e-1111-4c3b-9f1e-principals",
  WEBHOOK_KEY_LEADERS: "0b6c2e9e-2222-4c3b-9f1e-leaders",
};

const root = mkdtempSync(join(tmpdir(), "pingan-config-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

let dirCount = 0;
/** Writes `yaml` as pingan.yaml next to a copy of the example roster; returns the config path. */
function writeConfig(yaml: string, roster?: string): string {
  const dir = join(root, `case-${++dirCount}`);
  mkdirSync(dir);
  if (roster === undefined) copyFileSync("config/schools.example.csv", join(dir, "schools.example.csv"));
  else writeFileSync(join(dir, "schools.example.csv"), roster);
  const path = join(dir, "pingan.yaml");
  writeFileSync(path, yaml);
  return path;
}

/** `EXAMPLE` with `from` replaced by `to`; fails the test when `from` is not in it. */
function edit(yaml: string, from: string | RegExp, to: string): string {
  const out = yaml.replace(from, () => to);
  expect(out, `example has ${String(from)}`).not.toBe(yaml);
  return out;
}

/** 1-based line of the first line of `yaml` that contains `needle` (a string) or matches it (a RegExp). */
function lineOf(yaml: string, needle: string | RegExp, after = 0): number {
  const lines = yaml.split("\n");
  const index = lines.findIndex((line, i) => i >= after && (typeof needle === "string" ? line.includes(needle) : needle.test(line)));
  expect(index, `line with ${needle}`).toBeGreaterThanOrEqual(0);
  return index + 1;
}

async function failure(options: Parameters<typeof loadConfig>[0]): Promise<CodedError<ErrorCode.ConfigInvalid>> {
  const error = await loadConfig(options).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(hasCode(error, ErrorCode.ConfigInvalid)).toBe(true);
  return error as CodedError<ErrorCode.ConfigInvalid>;
}

const brief = (problems: readonly ConfigProblem[]) => problems.map((p) => [p.line, p.key, p.message]);

describe("loadConfig", () => {
  it("loads the example config and roster", async () => {
    const { config, roster, path } = await loadConfig({ path: "config/pingan.example.yaml", env: ENV });
    expect(path).toBe("config/pingan.example.yaml");
    expect(config.bot).toEqual({ name: "平安助手", token: ENV.WECOM_TOKEN, encoding_aes_key: TEST_AES_KEY, max_clock_skew_seconds: 300 });
    expect(config.server).toEqual({ public_url: "https://pingan.example.edu.cn" });
    expect(config.groups.principals).toMatchObject({ role: "schools", webhook_key: ENV.WEBHOOK_KEY_PRINCIPALS, schools: "all" });
    expect(config.groups.leaders).toMatchObject({ role: "leaders", webhook_key: ENV.WEBHOOK_KEY_LEADERS });
    expect(config.tasks.safety).toMatchObject({ period: "day", days: "all", deadline: "10:00", reminders: ["09:00", "09:45"], tally: "10:30" });
    expect(config.tasks.drowning).toMatchObject({
      period: "week",
      season: { start: "04-15", end: "10-15" },
      deadline: "fri 17:00",
      reminders: ["thu 16:00", "fri 15:00"],
      summer: { period: "day", deadline: "18:00", reminders: ["17:00"], tally: "18:30" },
    });
    expect(config.tasks.study).toMatchObject({ period: "week", days: "school", deadline: "fri 18:00" });
    expect(config.calendar.terms.map((t) => t.name)).toEqual(["2026春季", "2026秋季"]);
    expect(roster.schools).toHaveLength(28);
    expect(roster.schoolsOf("zhou_jie").map((s) => s.code)).toEqual(["XB004", "XB005"]);
    expect(roster.find("城关一小")?.code).toBe("CG001");
  });

  it("returns a deep-frozen config", async () => {
    const { config } = await loadConfig({ path: "config/pingan.example.yaml", env: ENV });
    expect(Object.isFrozen(config.tasks["safety"]!.reminders)).toBe(true);
    expect(() => {
      (config.calendar.terms[0] as { name: string }).name = "x";
    }).toThrow(TypeError);
  });

  it("switches the optional admin token on from the environment alone", async () => {
    const token = "a-long-admin-token-0123456789";
    const { config } = await loadConfig({ path: "config/pingan.example.yaml", env: { ...ENV, PINGAN_ADMIN_TOKEN: token } });
    expect(config.server.admin_token).toBe(token);
  });

  it("reads a time written without the leading zero (9:00, thu 9:00) as 09:00, and leaves 9:0 a problem", async () => {
    const yaml = edit(edit(EXAMPLE, 'reminders: ["09:00", "09:45"]', 'reminders: [9:00, "9:45"]'), '"thu 16:00"', '"thu 9:00"');
    const { config } = await loadConfig({ path: writeConfig(yaml), env: ENV });
    expect(config.tasks.safety!.reminders).toEqual(["09:00", "09:45"]);
    expect(config.tasks.drowning!.reminders).toEqual(["thu 09:00", "fri 15:00"]);
    const error = await failure({ path: writeConfig(edit(EXAMPLE, 'deadline: "10:00"', 'deadline: "9:0"')), env: ENV });
    expect(brief(error.details.problems)).toEqual([[expect.any(Number), "tasks.safety.deadline", '格式不对："9:0"']]);
  });

  it("expands defaults and keeps an escaped ${ literal", async () => {
    const yaml = edit(edit(EXAMPLE, "name: 平安助手", "name: ${BOT_NAME:-县教育局平安助手}"), "name: 局领导群", 'name: "领导群 $${x}"');
    const { config } = await loadConfig({ path: writeConfig(yaml), env: ENV });
    expect(config.bot.name).toBe("县教育局平安助手");
    expect(config.groups.leaders!.name).toBe("领导群 ${x}");
  });

  it("reports a typo key once, with its line and the key it probably meant (not also the meant key as missing)", async () => {
    const yaml = edit(EXAMPLE, 'deadline: "10:00"', 'deadlin: "10:00"');
    const path = writeConfig(yaml);
    const error = await failure({ path, env: ENV });
    const line = lineOf(yaml, "deadlin:");
    expect(brief(error.details.problems)).toEqual([[line, "tasks.safety.deadlin", "未知的配置项，是否想写 deadline？"]]);
    expect(error.message.split("\n")).toContain(`${path}:${line} tasks.safety.deadlin: 未知的配置项，是否想写 deadline？`);
  });

  it("lists the valid keys when a typo is too far from any", async () => {
    const yaml = edit(EXAMPLE, "  # max_clock_skew_seconds: 300", "  超时: 300");
    const error = await failure({ path: writeConfig(yaml), env: ENV });
    expect(error.details.problems).toEqual([
      expect.objectContaining({ line: lineOf(yaml, "超时"), key: "bot.超时", message: "未知的配置项", hint: expect.stringContaining("max_clock_skew_seconds") }),
    ]);
  });

  it("names the key, line and variable of a missing environment variable", async () => {
    const { WEBHOOK_KEY_LEADERS: _, ...env } = ENV;
    const error = await failure({ path: "config/pingan.example.yaml", env });
    expect(brief(error.details.problems)).toEqual([
      [lineOf(EXAMPLE, "${WEBHOOK_KEY_LEADERS}"), "groups.leaders.webhook_key", "环境变量 WEBHOOK_KEY_LEADERS 没有设置"],
    ]);
    expect(error.details.problems[0]!.file).toBe("config/pingan.example.yaml");
  });

  /** The example config with `from` replaced by `to`, loaded: its problems as [line, message], and the line `at` names in it. */
  async function problemsOf(from: string, to: string, at: string): Promise<{ problems: [number | undefined, string][]; line: number }> {
    const yaml = edit(EXAMPLE, from, to);
    const error = await failure({ path: writeConfig(yaml), env: ENV });
    return { problems: error.details.problems.map((p) => [p.line, p.message]), line: lineOf(yaml, at) };
  }

  it("reports a YAML syntax error with its line", async () => {
    const tab = await problemsOf("  period: day\n", "  period: day\n\tdays: all\n", "\tdays");
    expect(tab.problems).toEqual([[tab.line, "用了 Tab 缩进"]]);
    const dup = await problemsOf("    period: day\n", "    period: day\n    period: week\n", "period: week");
    expect(dup.problems).toEqual([[dup.line, "配置项重复"]]);
  });

  it("names the line that lost its indent, not the line after it where the parser stops", async () => {
    const lost = await problemsOf('days: all\n    deadline: "10:00"', 'days: all\n  deadline: "10:00"', '  deadline: "10:00"');
    expect(lost.problems).toEqual([[lost.line, "缩进不对：这一行比上一行和下一行缩进得少"]]);
    const extra = await problemsOf('    reminders: ["09:00", "09:45"]', '      reminders: ["09:00", "09:45"]', "      reminders:");
    expect(extra.problems).toEqual([[extra.line, "缩进不对"]]);
  });

  it("carries every problem at once, schema and cross-checks together", async () => {
    let yaml = EXAMPLE;
    yaml = edit(yaml, 'reminders: ["09:00", "09:45"]', 'reminders: ["06:30", "10:15"]');
    yaml = edit(yaml, "    role: leaders", "    role: schools");
    yaml = edit(yaml, 'tally: "fri 18:30"', 'tally: "fri 17:30"');
    yaml = edit(yaml, "end: 2027-02-28", "end: 2027-02-30");
    yaml = edit(yaml, 'days: all\n    deadline: "10:00"', 'days: someday\n    deadline: "10:00"');
    yaml = edit(yaml, '  at: "fri 19:00"', '  at: "19:00"');
    const error = await failure({ path: writeConfig(yaml), env: ENV });
    expect(brief(error.details.problems)).toEqual([
      [lineOf(yaml, /^groups:/), "groups", "没有领导群：至少要有一个 role: leaders 的群，用来接收汇总和异常提醒"],
      [lineOf(yaml, "end: 2027-02-30"), "calendar.winter_holiday[1].end", "没有 2027-02-30 这一天"],
      [lineOf(yaml, "days: someday"), "tasks.safety.days", '不能写 "someday"'],
      [lineOf(yaml, 'tally: "fri 17:30"', lineOf(yaml, "  study:")), "tasks.study.tally", "汇总时间 fri 17:30 不晚于截止时间 fri 18:00，汇总时学校还没到截止时间"],
      [lineOf(yaml, '  at: "19:00"'), "weekly.at", '按周的安排要写星期几，"19:00" 没有写'],
    ]);
  });

  it("checks the schedule of each task against its deadline and the working hours", async () => {
    let yaml = EXAMPLE;
    yaml = edit(yaml, 'reminders: ["09:00", "09:45"]', 'reminders: ["06:30", "10:15"]');
    yaml = edit(yaml, 'tally: "10:30"', 'tally: "09:30"');
    yaml = edit(yaml, 'reminders: ["17:00"]', 'reminders: ["fri 17:00"]');
    const error = await failure({ path: writeConfig(yaml), env: ENV });
    const remindersLine = lineOf(yaml, '["06:30", "10:15"]');
    expect(brief(error.details.problems)).toEqual([
      [remindersLine, "tasks.safety.reminders[0]", "06:30 在推送时段 07:00–21:30 之外，这条推送不会发出"],
      [remindersLine, "tasks.safety.reminders[1]", "提醒时间 10:15 不早于截止时间 10:00"],
      [lineOf(yaml, 'tally: "09:30"'), "tasks.safety.tally", "汇总时间 09:30 不晚于截止时间 10:00，汇总时学校还没到截止时间"],
      [lineOf(yaml, '["fri 17:00"]'), "tasks.drowning.summer.reminders[0]", '按天的安排不写星期几或几号，"fri 17:00" 写了'],
    ]);
  });

  it("checks group references and that the roster is covered", async () => {
    let yaml = EXAMPLE;
    yaml = edit(yaml, "    schools: all", "    schools: [城关片区, 东部片区, 西部片, XB005]");
    yaml = edit(yaml, "tally_group: leaders", "tally_group: leader");
    yaml = edit(yaml, "  group: leaders\n\n# 补报", "  group: bosses\n\n# 补报");
    const error = await failure({ path: writeConfig(yaml), env: ENV });
    expect(brief(error.details.problems)).toEqual([
      [lineOf(yaml, /^groups:/), "groups", expect.stringMatching(/^12 所学校不在任何学校群（role: schools）里，收不到提醒：平安县石门镇中心小学、/)],
      [lineOf(yaml, "    schools: [城关片区"), "groups.principals.schools[2]", '名单里没有片区或学校代码 "西部片"'],
      [lineOf(yaml, "tally_group: leader"), "tasks.safety.tally_group", "没有名为 leader 的群"],
      [lineOf(yaml, "group: bosses"), "weekly.group", "没有名为 bosses 的群"],
    ]);
    expect(error.details.problems[1]!.hint).toBe("是否想写 西部片区？");
    expect(error.details.problems[2]!.hint).toBe("是否想写 leaders？");
    expect(error.details.problems[0]!.hint).toContain("schools: [西部片区, 北部片区]");
  });

  it("finds the roster next to the config and reports its bad lines", async () => {
    const roster = readFileSync("config/schools.example.csv", "utf8").replace("DB002,", "DB001,");
    const path = writeConfig(EXAMPLE, roster);
    const error = await failure({ path, env: ENV });
    const csv = join(path, "..", "schools.example.csv");
    expect(error.details.problems.map((p) => [p.file, p.line, p.key, p.message])).toEqual([
      [csv, 11, "学校代码", '学校代码 "DB001" 与第 10 行重复'],
    ]);
    expect(error.message).toContain(`${csv}:11 学校代码: 学校代码 "DB001" 与第 10 行重复`);
  });

  it("reports a missing roster at the roster key", async () => {
    const yaml = edit(EXAMPLE, "roster: schools.example.csv", "roster: schools.csv");
    const path = writeConfig(yaml);
    const error = await failure({ path, env: ENV });
    expect(brief(error.details.problems)).toEqual([[lineOf(yaml, "roster: schools.csv"), "roster", `找不到 ${join(path, "..", "schools.csv")}`]]);
  });

  it("reports a missing config file", async () => {
    const error = await failure({ path: join(root, "missing.yaml"), env: ENV });
    expect(error.details.problems).toEqual([
      { file: join(root, "missing.yaml"), message: "找不到配置文件", hint: expect.stringContaining("pingan.example.yaml") },
    ]);
  });

  it("never shows a secret in the error text", async () => {
    const secrets = {
      WECOM_TOKEN: "SECRET-TOKEN-7d1f",
      WECOM_ENCODING_AES_KEY: "SECRET-AES-too-short-9a2b",
      WEBHOOK_KEY_PRINCIPALS: "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=SECRET-HOOK-44e1",
      WEBHOOK_KEY_LEADERS: "SECRET-HOOK-LEADERS-5c3d",
      PINGAN_ADMIN_TOKEN: "SECRET-ADM",
    };
    let yaml = edit(EXAMPLE, "public_url: https://pingan.example.edu.cn", "public_url: ${WECOM_TOKEN}");
    yaml = edit(yaml, "  name: 平安助手", "  name: 平安助手\n  tokn: literal-SECRET-in-file-0f0f");
    const error = await failure({ path: writeConfig(yaml), env: secrets });
    expect(error.details.problems.map((p) => p.key)).toEqual([
      "bot.tokn",
      "bot.encoding_aes_key",
      "server.public_url",
      "server.admin_token",
      "groups.principals.webhook_key",
    ]);
    const shown = `${error.message}\n${JSON.stringify(error.details.problems)}`;
    for (const secret of [...Object.values(secrets), "SECRET"]) expect(shown).not.toContain(secret);

    const broken = edit(EXAMPLE, "token: ${WECOM_TOKEN}", 'token: "SECRET-LITERAL-1234');
    const syntax = await failure({ path: writeConfig(broken), env: ENV });
    expect(syntax.details.problems.length).toBeGreaterThan(0);
    expect(`${syntax.message}${JSON.stringify(syntax.details.problems)}`).not.toContain("SECRET");
  });
});
