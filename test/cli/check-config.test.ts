import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, copyFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { checkConfig } from "../../src/cli/check-config.js";
import { createConfigSource } from "../../src/config/config-source.js";
import { pinganArgs } from "../support/pingan-command.js";
import { TEST_AES_KEY } from "../support/test-env.js";
import { writeTreeDeployment } from "../support/tree-deployment.js";

const ENV = {
  WECOM_TOKEN: "tok",
  WECOM_ENCODING_AES_KEY: TEST_AES_KEY,
  WEBHOOK_KEY_PRINCIPALS: "key-p",
  WEBHOOK_KEY_LEADERS: "key-l",
};
/** Before 1 November no year's holiday notice is due beyond the current one (2026 is bundled). */
const OCTOBER = new Date("2026-10-20T09:00:00+08:00");
const dir = mkdtempSync(join(tmpdir(), "pingan-check-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("checkConfig (pingan check-config)", () => {
  it("prints a summary and returns 0 for the example, warning that its public_url is the example's", async () => {
    const lines: string[] = [];
    const code = await checkConfig({ source: createConfigSource("config/pingan.example.yaml", ENV), now: OCTOBER, out: (line) => lines.push(line) });
    expect(code).toBe(0);
    expect(lines).toEqual([
      "配置正确：config/pingan.example.yaml",
      "学校 28 所（4 个片区），上报人 30 人，群 2 个，启用的任务：平安日报、防溺水提醒、周学习",
      "警告：server.public_url 还是示例地址 https://pingan.example.edu.cn，导出台账的下载链接会打不开；请改成本县服务的外网地址，例如 https://pingan.你的域名",
    ]);
  });

  it("warns, and still returns 0, on one account in two areas and on a leader who is also a reporter", async () => {
    const roster = readFileSync("config/schools.example.csv", "utf8")
      .replace("CG002,平安县城关第二小学,城关二小,城关片区,小学,wang_fang,", "CG002,平安县城关第二小学,城关二小,城关片区,小学,hu_bin,")
      .replace("DB006,平安县柳溪小学,柳溪小学,东部片区,小学,guo_ping,", "DB006,平安县柳溪小学,柳溪小学,东部片区,小学,chen_xiaohong,");
    writeFileSync(join(dir, "warn.csv"), roster);
    const yaml = readFileSync("config/pingan.example.yaml", "utf8")
      .replace("roster: schools.example.csv", "roster: warn.csv")
      .replace("public_url: https://pingan.example.edu.cn", "public_url: https://pingan.ping-an.gov.cn");
    writeFileSync(join(dir, "warn.yaml"), yaml);
    const lines: string[] = [];
    const code = await checkConfig({ source: createConfigSource(join(dir, "warn.yaml"), ENV), now: OCTOBER, out: (line) => lines.push(line) });
    expect(code).toBe(0);
    expect(lines.slice(2)).toEqual([
      "警告：上报人 hu_bin 同时负责 城关片区、东部片区 的学校（城关二小、东湖小学），请确认没有填错账号",
      "警告：上报人账号 hu_bin 在名单里有不同的姓名（城关二小：王芳，东湖小学：胡斌）；一个账号只是一个人，请核对是否有一行填错了账号",
      "警告：陈晓红（chen_xiaohong）既是局领导或管理员，又是 柳溪小学 的上报人；发送“平安”等会登记为该校上报，请确认",
    ]);
  });

  it("warns of one account given two names in one area (one row carries another person's account)", async () => {
    const roster = readFileSync("config/schools.example.csv", "utf8").replace("CG002,平安县城关第二小学,城关二小,城关片区,小学,wang_fang,", "CG002,平安县城关第二小学,城关二小,城关片区,小学,zhang_wei,");
    writeFileSync(join(dir, "names.csv"), roster);
    writeFileSync(join(dir, "names.yaml"), readFileSync("config/pingan.example.yaml", "utf8").replace("roster: schools.example.csv", "roster: names.csv"));
    const lines: string[] = [];
    expect(await checkConfig({ source: createConfigSource(join(dir, "names.yaml"), ENV), now: OCTOBER, out: (line) => lines.push(line) })).toBe(0);
    expect(lines.filter((line) => line.includes("zhang_wei"))).toEqual([
      "警告：上报人账号 zhang_wei 在名单里有不同的姓名（城关一小：张伟，城关二小：王芳）；一个账号只是一个人，请核对是否有一行填错了账号",
    ]);
  });

  it("warns of one account in two counties' 城关片区: areas are told apart by their path, not their name", async () => {
    const tree = writeTreeDeployment();
    try {
      const csv = join(dirname(tree.path), "tree.csv");
      // r05 reports for 第05号学校 (平安县's 城关片区 holds 第01号 and 第02号; 城东区's, 第05号 and 第06号): give 第05号 to r01.
      writeFileSync(csv, readFileSync(csv, "utf8").replace(",r05,", ",r01,"));
      const lines: string[] = [];
      expect(await checkConfig({ source: createConfigSource(tree.path, ENV), now: OCTOBER, out: (line) => lines.push(line) })).toBe(0);
      expect(lines.filter((line) => line.includes("同时负责"))).toEqual([
        "警告：上报人 r01 同时负责 平安省/平安市/平安县/城关片区、平安省/平安市/城东区/城关片区 的学校（第01号学校、第05号学校），请确认没有填错账号",
      ]);
    } finally {
      tree.remove();
    }
  });

  it("warns when two reminders of a task are closer than the 提醒 cooldown (the later would be held back)", async () => {
    copyFileSync("config/schools.example.csv", join(dir, "schools.example.csv"));
    const yaml = readFileSync("config/pingan.example.yaml", "utf8").replace('reminders: ["09:00", "09:45"]', 'reminders: ["09:45", "09:00", "09:05"]');
    writeFileSync(join(dir, "close.yaml"), yaml);
    const lines: string[] = [];
    const code = await checkConfig({ source: createConfigSource(join(dir, "close.yaml"), ENV), now: OCTOBER, out: (line) => lines.push(line) });
    expect(code).toBe(0);
    expect(lines.filter((line) => line.includes("冷却"))).toEqual([
      "警告：tasks.safety.reminders: 提醒 09:00 和 09:05 相隔不到 10 分钟（limits.remind_cooldown_minutes），09:05 的提醒会被当作重复而不发；请拉开间隔，或调小这个冷却时间",
    ]);
  });

  it("warns when the other transport's bot lines are left over: one bot takes callbacks or holds the long connection", async () => {
    copyFileSync("config/schools.example.csv", join(dir, "schools.example.csv"));
    const example = readFileSync("config/pingan.example.yaml", "utf8");
    const websocket = example.replace(/^  name: 平安助手.*$/m, (line) => `${line}\n  transport: websocket\n  bot_id: \${WECOM_BOT_ID}\n  secret: \${WECOM_BOT_SECRET}`);
    const callback = example.replace(/^  name: 平安助手.*$/m, (line) => `${line}\n  bot_id: \${WECOM_BOT_ID}`);
    const warnings = async (yaml: string) => {
      writeFileSync(join(dir, "transport.yaml"), yaml);
      const lines: string[] = [];
      const code = await checkConfig({ source: createConfigSource(join(dir, "transport.yaml"), { ...ENV, WECOM_BOT_ID: "bot", WECOM_BOT_SECRET: "secret" }), now: OCTOBER, out: (line) => lines.push(line) });
      expect(code).toBe(0);
      return lines.filter((line) => line.startsWith("警告：bot"));
    };
    expect(await warnings(websocket)).toEqual([
      "警告：bot.transport 是 websocket（长连接），bot.token、bot.encoding_aes_key 不会用到；同一个机器人回调和长连接只能选一种，请删掉这几行，免得以为两种都开着",
    ]);
    expect(await warnings(callback)).toEqual([
      "警告：bot 是回调模式，bot.bot_id 只在长连接（transport: websocket）时使用；要用长连接请写 transport: websocket 并删掉 token 和 encoding_aes_key",
    ]);
    expect(await warnings(example)).toEqual([]);
  });

  it("reads the roster from the bureau's Excel workbook (roster_sheet naming its sheet), noting the columns it does not use", async () => {
    copyFileSync("test/fixtures/config/schools-bureau.xlsx", join(dir, "名单.xlsx"));
    const yaml = readFileSync("config/pingan.example.yaml", "utf8").replace("roster: schools.example.csv", "roster: 名单.xlsx\nroster_sheet: 学校名单");
    writeFileSync(join(dir, "excel.yaml"), yaml);
    const lines: string[] = [];
    const code = await checkConfig({ source: createConfigSource(join(dir, "excel.yaml"), ENV), now: OCTOBER, out: (line) => lines.push(line) });
    expect(code).toBe(0);
    expect(lines.slice(0, 3)).toEqual([
      `配置正确：${join(dir, "excel.yaml")}`,
      "学校 28 所（4 个片区），上报人 30 人，群 2 个，启用的任务：平安日报、防溺水提醒、周学习",
      `说明：名单 ${join(dir, "名单.xlsx")} 中这些列用不到，已忽略：序号、校长、联系电话、备注`,
    ]);
  });

  it("prints every problem and returns 1", async () => {
    copyFileSync("config/schools.example.csv", join(dir, "schools.example.csv"));
    const yaml = readFileSync("config/pingan.example.yaml", "utf8").replace('tally: "10:30"', 'tally: "10点30"');
    writeFileSync(join(dir, "pingan.yaml"), yaml);
    const lines: string[] = [];
    const code = await checkConfig({ source: createConfigSource(join(dir, "pingan.yaml"), {}), now: OCTOBER, out: (line) => lines.push(line) });
    expect(code).toBe(1);
    expect(lines[0]).toBe("配置有 5 处问题，改正后再启动：");
    expect(lines.slice(1).map((line) => line.replace(/^.*?:\d+ /, ""))).toEqual([
      "bot.token: 环境变量 WECOM_TOKEN 没有设置。启动前设置它，例如 export WECOM_TOKEN=…（密钥只放在环境变量里，不要写进配置文件）",
      "bot.encoding_aes_key: 环境变量 WECOM_ENCODING_AES_KEY 没有设置。启动前设置它，例如 export WECOM_ENCODING_AES_KEY=…（密钥只放在环境变量里，不要写进配置文件）",
      "groups.principals.webhook_key: 环境变量 WEBHOOK_KEY_PRINCIPALS 没有设置。启动前设置它，例如 export WEBHOOK_KEY_PRINCIPALS=…（密钥只放在环境变量里，不要写进配置文件）",
      "groups.leaders.webhook_key: 环境变量 WEBHOOK_KEY_LEADERS 没有设置。启动前设置它，例如 export WEBHOOK_KEY_LEADERS=…（密钥只放在环境变量里，不要写进配置文件）",
      'tasks.safety.tally: 格式不对："10点30"。时间写成 "HH:MM"（每天）、"fri 17:00"（每周，mon…sun）或 "25 17:00"（每月几号，31 即月末）',
    ]);
  });

  describe("lists every problem in one run, each with its file and line", () => {
    const run = async (name: string, yaml: string, roster: string, holidays?: string) => {
      const folder = join(dir, name);
      mkdirSync(folder, { recursive: true });
      writeFileSync(join(folder, "pingan.yaml"), yaml);
      writeFileSync(join(folder, "schools.csv"), roster);
      if (holidays !== undefined) writeFileSync(join(folder, "holidays.yaml"), holidays);
      const lines: string[] = [];
      const code = await checkConfig({ source: createConfigSource(join(folder, "pingan.yaml"), ENV), now: OCTOBER, out: (line) => lines.push(line) });
      expect(code).toBe(1);
      expect(lines[0]).toBe(`配置有 ${lines.length - 1} 处问题，改正后再启动：`);
      return lines.slice(1).map((line) => line.replace(`${folder}/`, ""));
    };
    const EXAMPLE_YAML = readFileSync("config/pingan.example.yaml", "utf8").replace("roster: schools.example.csv", "roster: schools.csv");
    const EXAMPLE_CSV = readFileSync("config/schools.example.csv", "utf8");

    it("config, roster rows, the roster against the groups and the holiday file together", async () => {
      const yaml = EXAMPLE_YAML.replace('tally: "10:30"', 'tally: "10点30"').replace(/schools: all/, "schools: [城关片区, 东部片区, 西部片, 北部片区]");
      const roster = EXAMPLE_CSV.replace("CG003,平安县城关第三小学,城关三小,城关片区,小学,liu_yang,刘洋,1420,", "CG003,平安县城关第三小学,城关三小,城关片区,小学,liu_yang,刘洋,约1420,")
        // A row with a bad count and a code already taken: both are reported, not one per run.
        .replace("CG005,平安县城关中学,城关中学,城关片区,初中,yang_lei,杨磊,1562,118", "CG002,平安县城关中学,城关中学,城关片区,初中,yang_lei,杨磊,1562,-3");
      const holidays = '"2027":\n  festivals:\n    - name: 元旦\n      holidays: { start: 2027-01-01, end: 2027-01-32 }\n';
      const problems = await run("all-at-once", yaml, roster, holidays);
      const yamlLine = (text: string) => yaml.split("\n").findIndex((line) => line.startsWith(text)) + 1;
      expect(problems).toEqual([
        `pingan.yaml:${yamlLine("groups:")} groups: 7 所学校不在任何学校群（role: schools）里，收不到提醒：平安县石门镇中心小学、平安县石门镇中学、平安县龙潭乡九年一贯制学校、平安县枫林乡中心小学、平安县枫林乡岭头小学、平安县西河镇中心小学、平安县西河镇中学。把片区加进某个学校群的 schools，例如 schools: [西部片区]，或写 schools: all`,
        `pingan.yaml:${yamlLine("    schools: [城关片区")} groups.principals.schools[2]: 名单里没有片区或学校代码 "西部片"。是否想写 西部片区？`,
        `pingan.yaml:${yamlLine('    tally: "10点30"')} tasks.safety.tally: 格式不对："10点30"。时间写成 "HH:MM"（每天）、"fri 17:00"（每周，mon…sun）或 "25 17:00"（每月几号，31 即月末）`,
        'schools.csv:4 学生数: 学生数不是数字："约1420"。写不带小数的整数，例如 1200',
        'schools.csv:6 教职工数: 教职工数不能是负数："-3"。写不带小数的整数，例如 86',
        'schools.csv:6 学校代码: 学校代码 "CG002" 与第 3 行重复。学校代码、名称、简称在全县要互不相同（上报时按它们找学校）。请给这一行换一个没有用过的学校代码，例如 CG005',
        'holidays.yaml:4: "2027".festivals[0]（元旦）.holidays.end: "2027-01-32" 不是有效日期，写成 YYYY-MM-DD，例如 2027-10-01',
      ]);
    });

    it("is what the command prints, run as the admin runs it", async () => {
      const folder = join(dir, "all-at-once");
      const printed = await promisify(execFile)(process.execPath, pinganArgs("check-config", "--config", join(folder, "pingan.yaml")), { env: { ...process.env, ...ENV } }).then(
        () => ({ code: 0, stdout: "" }),
        (error: { code: number; stdout: string }) => error,
      );
      expect(printed.code).toBe(1);
      const lines = printed.stdout.trimEnd().split("\n");
      expect(lines[0]).toBe("配置有 7 处问题，改正后再启动：");
      expect(lines.slice(1).map((line) => line.replace(`${folder}/`, "").split(/[ :]/)[0])).toEqual([
        "pingan.yaml",
        "pingan.yaml",
        "pingan.yaml",
        "schools.csv",
        "schools.csv",
        "schools.csv",
        "holidays.yaml",
      ]);
    });

    it("a roster whose header lacks a column: its rows are still checked", async () => {
      const roster = EXAMPLE_CSV.replace("学校代码,学校名称,简称,片区,学段,", "学校代码,学校名称,简称,片区,学段类型,").replace(",1684,88", ",1684,八十八");
      expect(await run("header", EXAMPLE_YAML, roster)).toEqual([
        'schools.csv:1: 表头缺少列：学段（stage）；"学段类型" 是不是想写 学校类型？表头写 学校代码,学校名称,简称,片区,学段,上报人,学生数,教职工数（可再加一列 上报人姓名）或 code,name,short_name,area,stage,reporters,pupils,staff；也认 学校简称、校名、学区、所属片区、上报人账号、在校生数、教师数 等常见写法，其他的列（序号、联系电话……）不用删',
        'schools.csv:3 教职工数: 教职工数不是数字："八十八"。写不带小数的整数，例如 86',
      ]);
    });

    it("a YAML syntax error does not hide the roster's or the holiday file's problems", async () => {
      const yaml = EXAMPLE_YAML.replace("  period: day\n", "  period: day\n\tdays: all\n");
      const roster = EXAMPLE_CSV.replace(",1684,88", ",1684,八十八");
      const problems = await run("syntax", yaml, roster, '"2027": [');
      expect(problems.map((line) => line.split(" ")[0])).toEqual([`pingan.yaml:${yaml.split("\n").findIndex((line) => line.startsWith("\t")) + 1}:`, "schools.csv:3", "holidays.yaml:1:"]);
    });
  });

  it("warns from 1 November that next year's holiday notice is not imported, and still returns 0", async () => {
    const at = async (now: string) => {
      const lines: string[] = [];
      const code = await checkConfig({ source: createConfigSource("config/pingan.example.yaml", ENV), now: new Date(now), out: (line) => lines.push(line) });
      return { code, lines };
    };
    const november = await at("2026-11-05T09:00:00+08:00");
    expect(november.code).toBe(0);
    // The example's own warning (its public_url) comes first.
    expect(november.lines).toHaveLength(4);
    expect(november.lines[3]).toMatch(/^警告：2027 年放假调休安排尚未导入：pingan holidays import /);
    expect((await at("2026-10-20T09:00:00+08:00")).lines).toHaveLength(3);
    // The local date decides, in the config's zone: 16:00Z on 10-31 is already 11-01 in Beijing.
    expect((await at("2026-10-31T15:59:00Z")).lines).toHaveLength(3);
    expect((await at("2026-10-31T16:00:00Z")).lines).toHaveLength(4);
    // In 2027 itself, until the notice is imported.
    expect((await at("2027-03-01T09:00:00+08:00")).lines[3]).toMatch(/^警告：2027 年/);
  });

  it("refuses a broken imported holidays file beside the config, naming it", async () => {
    const config = join(dir, "with-holidays.yaml");
    copyFileSync("config/pingan.example.yaml", config);
    copyFileSync("config/schools.example.csv", join(dir, "schools.example.csv"));
    writeFileSync(join(dir, "holidays.yaml"), '"2027":\n  festivals:\n    - name: 元旦\n      holidays: { start: 2027-01-01, end: 2027-01-32 }\n');
    const lines: string[] = [];
    const code = await checkConfig({ source: createConfigSource(config, ENV), now: OCTOBER, out: (line) => lines.push(line) });
    expect(code).toBe(1);
    expect(lines.join("\n")).toContain(`${join(dir, "holidays.yaml")}:4: "2027".festivals[0]（元旦）.holidays.end`);
  });
});
