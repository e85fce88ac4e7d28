import { mkdtempSync, readFileSync, rmSync, writeFileSync, copyFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { checkConfig } from "../../src/config/check-config.js";

const ENV = {
  WECOM_TOKEN: "tok",
  WECOM_ENCODING_AES_KEY: "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C",
  WEBHOOK_KEY_PRINCIPALS: "key-p",
  WEBHOOK_KEY_LEADERS: "key-l",
};
const dir = mkdtempSync(join(tmpdir(), "pingan-check-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("checkConfig (pingan check-config)", () => {
  it("prints a summary and returns 0 for the example", async () => {
    const lines: string[] = [];
    const code = await checkConfig({ path: "config/pingan.example.yaml", env: ENV, out: (line) => lines.push(line) });
    expect(code).toBe(0);
    expect(lines).toEqual([
      "配置正确：config/pingan.example.yaml",
      "学校 28 所（4 个片区），上报人 30 人，群 2 个，启用的任务：平安日报、防溺水提醒、周学习",
    ]);
  });

  it("prints every problem and returns 1", async () => {
    copyFileSync("config/schools.example.csv", join(dir, "schools.example.csv"));
    const yaml = readFileSync("config/pingan.example.yaml", "utf8").replace('tally: "10:30"', 'tally: "9:30"');
    writeFileSync(join(dir, "pingan.yaml"), yaml);
    const lines: string[] = [];
    const code = await checkConfig({ path: join(dir, "pingan.yaml"), env: {}, out: (line) => lines.push(line) });
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
});
