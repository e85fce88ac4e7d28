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
