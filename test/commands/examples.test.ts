import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCommands } from "../../commands/index.js";
import { loadConfig } from "../../src/config/load-config.js";
import { TEST_ENV } from "../support/test-env.js";
import type { CommandSpec } from "../../src/bot/command.js";
import { startHarness, type Harness } from "../support/harness.js";

/** The commands of the example config, as the service builds them. */
const commands = createCommands((await loadConfig({ path: "config/pingan.example.yaml", env: TEST_ENV })).config);

/**
 * Every example the help shows is a message that works: sent by someone allowed to send it
 * (a reporter of 城关一小, a leader), it parses and does what the command's summary says,
 * instead of answering with a usage error. Help is built from the same specs, so a broken
 * example here is a broken line of help.
 */
const REPORTER = "zhang_wei"; // 城关一小
const LEADER = "wang_zhiyuan";
const ADMIN = "liu_xin";

const senderOf = (spec: CommandSpec): string =>
  spec.roles === "anyone" || spec.roles.includes("reporter") ? REPORTER : spec.roles.includes("leader") ? LEADER : ADMIN;

describe("every command's examples", () => {
  let h: Harness;
  // A Friday in the anti-drowning season and in term: every task is open.
  beforeAll(async () => {
    h = await startHarness({ now: "2026-06-12T08:30:00+08:00" });
  });
  afterAll(() => h.close());

  it("lists every example in the help of a sender who may use it", async () => {
    const help = { reporter: await h.say(REPORTER, "帮助"), leader: await h.say(LEADER, "帮助") };
    const listed = commands.filter((spec) => spec.id !== "help");
    expect(listed.length).toBeGreaterThan(10);
    for (const spec of listed) {
      const text = senderOf(spec) === REPORTER ? help.reporter : help.leader;
      expect(text, spec.id).toContain(spec.examples[0]!);
    }
  });

  it("shows a reporter of small schools examples that fit them: each one his help shows is recorded, with no note about his roster", async () => {
    // 周杰 reports for 枫林小学 (356 pupils, 27 staff) and 岭头小学 (74 pupils, 8 staff); the examples are written for 1,200 and 52.
    const help = await h.say("zhou_jie", "帮助");
    const reports = help
      .split("\n")
      .flatMap((line) => (line.startsWith("> @平安助手 ") ? [line.slice("> @平安助手 ".length)] : []))
      .filter((example) => /\d/u.test(example) && commands.some((spec) => spec.task && spec.aliases.includes(example.split(" ")[0]!)));
    expect(reports).toEqual(expect.arrayContaining(["平安 岭头小学 在校74", "防溺水 枫林小学 336/356 电话", "防溺水 岭头小学 已提醒54 共74", "学习 枫林小学 25/27", "学习 岭头小学 应到8 实到6 请假2 主题:学习党的二十届四中全会精神"]));
    for (const example of reports) {
      const reply = await h.say("zhou_jie", example);
      expect(reply, example).toContain("已登记");
      expect(reply, example).not.toContain("名单里");
      expect(reply, example).not.toContain("超过了名单");
    }
    // A leader entering a report for it is shown the same figures (代报).
    const forIt = await h.say(LEADER, "代报 岭头小学 学习");
    expect(forIt).toContain("代报 岭头小学 学习 6/8");
  });

  for (const spec of commands) {
    it(`${spec.id}: ${spec.examples.join(" · ")}`, async () => {
      expect(spec.examples.length).toBeGreaterThan(0);
      for (const example of spec.examples) {
        const reply = await h.say(senderOf(spec), example);
        expect(reply, example).not.toContain("正确示例");
        expect(reply, example).not.toContain("没有看懂");
        expect(reply, example).not.toContain("用的指令，本条消息没有登记");
        expect(reply, example).not.toContain("系统暂时繁忙");
        if (spec.task) expect(reply, example).toContain("已登记");
      }
    });
  }
});
