import { mkdtempSync, readFileSync, rmSync, writeFileSync, copyFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { checkConfig } from "../../src/config/check-config.js";
import { TEST_AES_KEY } from "../support/test-env.js";

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
    const code = await checkConfig({ path: "config/pingan.example.yaml", env: ENV, now: OCTOBER, out: (line) => lines.push(line) });
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
    const code = await checkConfig({ path: join(dir, "warn.yaml"), env: ENV, now: OCTOBER, out: (line) => lines.push(line) });
    expect(code).toBe(0);
    expect(lines.slice(2)).toEqual([
      "警告：上报人 hu_bin 同时负责 城关片区、东部片区 的学校（城关二小、东湖小学），请确认没有填错账号",
      "警告：陈晓红（chen_xiaohong）既是局领导或管理员，又是 柳溪小学 的上报人；发送“平安”等会登记为该校上报，请确认",
    ]);
  });

  it("warns when two reminders of a task are closer than the 提醒 cooldown (the later would be held back)", async () => {
    copyFileSync("config/schools.example.csv", join(dir, "schools.example.csv"));
    const yaml = readFileSync("config/pingan.example.yaml", "utf8").replace('reminders: ["09:00", "09:45"]', 'reminders: ["09:45", "09:00", "09:05"]');
    writeFileSync(join(dir, "close.yaml"), yaml);
    const lines: string[] = [];
    const code = await checkConfig({ path: join(dir, "close.yaml"), env: ENV, now: OCTOBER, out: (line) => lines.push(line) });
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
      const code = await checkConfig({ path: join(dir, "transport.yaml"), env: { ...ENV, WECOM_BOT_ID: "bot", WECOM_BOT_SECRET: "secret" }, now: OCTOBER, out: (line) => lines.push(line) });
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
    const code = await checkConfig({ path: join(dir, "excel.yaml"), env: ENV, now: OCTOBER, out: (line) => lines.push(line) });
    expect(code).toBe(0);
    expect(lines.slice(0, 3)).toEqual([
      `配置正确：${join(dir, "excel.yaml")}`,
      "学校 28 所（4 个片区），上报人 30 人，群 2 个，启用的任务：平安日报、防溺水提醒、周学习",
      `说明：名单 ${join(dir, "名单.xlsx")} 中这些列用不到，已忽略：序号、校长、联系电话、备注`,
    ]);
  });

  it("prints every problem and returns 1", async () => {
    copyFileSync("config/schools.example.csv", join(dir, "schools.example.csv"));
    const yaml = readFileSync("config/pingan.example.yaml", "utf8").replace('tally: "10:30"', 'tally: "9:30"');
    writeFileSync(join(dir, "pingan.yaml"), yaml);
    const lines: string[] = [];
    const code = await checkConfig({ path: join(dir, "pingan.yaml"), env: {}, now: OCTOBER, out: (line) => lines.push(line) });
    expect(code).toBe(1);
    expect(lines[0]).toBe("配置有 5 处问题，改正后再启动：");
    expect(lines.slice(1).map((line) => line.replace(/^.*?:\d+ /, ""))).toEqual([
      "bot.token: 环境变量 WECOM_TOKEN 没有设置。启动前设置它，例如 export WECOM_TOKEN=…（密钥只放在环境变量里，不要写进配置文件）",
      "bot.encoding_aes_key: 环境变量 WECOM_ENCODING_AES_KEY 没有设置。启动前设置它，例如 export WECOM_ENCODING_AES_KEY=…（密钥只放在环境变量里，不要写进配置文件）",
      "groups.principals.webhook_key: 环境变量 WEBHOOK_KEY_PRINCIPALS 没有设置。启动前设置它，例如 export WEBHOOK_KEY_PRINCIPALS=…（密钥只放在环境变量里，不要写进配置文件）",
      "groups.leaders.webhook_key: 环境变量 WEBHOOK_KEY_LEADERS 没有设置。启动前设置它，例如 export WEBHOOK_KEY_LEADERS=…（密钥只放在环境变量里，不要写进配置文件）",
      'tasks.safety.tally: 格式不对："9:30"。时间写成 "HH:MM"（每天）或 "fri 17:00"（每周，mon…sun）',
    ]);
  });

  it("warns from 1 November that next year's holiday notice is not imported, and still returns 0", async () => {
    const at = async (now: string) => {
      const lines: string[] = [];
      const code = await checkConfig({ path: "config/pingan.example.yaml", env: ENV, now: new Date(now), out: (line) => lines.push(line) });
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
    const code = await checkConfig({ path: config, env: ENV, now: OCTOBER, out: (line) => lines.push(line) });
    expect(code).toBe(1);
    expect(lines.join("\n")).toContain(`${join(dir, "holidays.yaml")}: "2027".festivals[0]（元旦）.holidays.end`);
  });
});
