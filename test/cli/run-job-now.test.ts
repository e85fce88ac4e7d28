import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../../src/cli/cli.js";
import { startHarness, type Harness } from "../support/harness.js";
import { runJobBeside } from "../support/run-job.js";
import { TEST_ENV } from "../support/test-env.js";

const at = (local: string) => new Date(`${local}+08:00`);

describe("pingan run", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ now: "2026-11-24T08:00:00+08:00" });
  });
  afterAll(() => h.close());

  const run = (job: string, task: string | undefined, now: string) => runJobBeside(h, { job, ...(task && { task }), now });

  it("a manual tally counts as posted: a report after it goes into the 补报 note", async () => {
    h.clock.set(at("2026-11-24T09:30:00"));
    await h.say("zhang_wei", "平安");
    const tally = await run("tally", "safety", "2026-11-24T10:35:00+08:00");
    expect(tally.code).toBe(0);
    expect(tally.lines.join("\n")).toContain("平安日报统计（11月24日（周二））：已发送 1 条");
    expect(tally.lines.join("\n")).not.toMatch(/tally:|none_|quiet_/u);
    await h.drainPushes();
    expect(h.webhook.messages.filter((m) => m.group === "局领导群").length).toBeGreaterThan(0);

    h.clock.set(at("2026-11-24T11:05:00"));
    await h.say("hu_bin", "平安");
    await h.fire("late-note", at("2026-11-24T17:00:00"));
    const notes = h.webhook.messages.filter((m) => m.content.includes("补报通知"));
    expect(notes).toHaveLength(1);
    expect(notes[0]!.content).toContain("东湖小学");
    expect(notes[0]!.content).toContain("11月24日 11:05 补报（迟报）");
  });

  it("says what it did in Chinese, with the parts a long message was sent in", async () => {
    const none = await run("late-note", undefined, "2026-11-25T17:00:00+08:00");
    expect(none.lines).toContain("补报通知：没有需要补报的学校");
    const quiet = await run("weekly", undefined, "2026-11-27T23:00:00+08:00");
    expect(quiet.lines).toContain("每周汇总：现在不在推送时段内，没有发送");
    const weekly = await run("weekly", undefined, "2026-11-27T19:00:00+08:00");
    expect(weekly.lines.at(-1)).toMatch(/^每周汇总：已发送 1 条（分 \d 段）$/u);
    for (const { lines } of [none, quiet, weekly]) expect(lines.join("\n")).not.toMatch(/weekly:|late-note:|none_|quiet_/u);
  });

  it("says in 汇总's words why a period asks nothing, and sends nothing", async () => {
    const before = h.webhook.messages.length;
    const drowning = await run("remind", "drowning", "2026-11-24T10:35:00+08:00");
    expect(drowning.code).toBe(0);
    expect(drowning.lines.at(-1)).toMatch(/^防溺水提醒.*：不在季节内，无需上报，没有发送$/u);
    expect(h.webhook.messages.length).toBe(before);
  });

  it("does not say sent when WeCom refused the message, and exits 1", async () => {
    // 93000: the leaders' robot key is no longer valid (a permanent refusal, not retried).
    h.webhook.failNext(TEST_ENV.WEBHOOK_KEY_LEADERS, 93000, 2);
    const tally = await run("tally", "safety", "2026-11-25T10:35:00+08:00");
    expect(tally.code).toBe(1);
    expect(tally.lines.at(-1)).toBe(
      "平安日报统计（11月25日（周三））：已排入发送队列 1 条，其中 1 条没有发出去（企业微信拒收或暂时不可用：能重试的服务会继续重试；原因见 /healthz 的 push 部分）",
    );
    expect(tally.lines.join("\n")).not.toContain("已发送");
  });

  it("refuses an unknown job and a missing task with an example, and sends nothing", async () => {
    const before = h.webhook.messages.length;
    const unknown = await run("remindd", "safety", "2026-11-24T10:35:00+08:00");
    expect(unknown.code).toBe(2);
    expect(unknown.lines.join("\n")).toContain("pingan run remind safety --dry-run");
    const noTask = await run("tally", undefined, "2026-11-24T10:35:00+08:00");
    expect(noTask.code).toBe(2);
    expect(noTask.lines.join("\n")).toContain("pingan run tally safety");
    expect(h.webhook.messages.length).toBe(before);
  });

  it("reads the task against the config before any Redis: a typo or a task that is off lists the enabled ones; a task word works", async () => {
    const enabled = "可用的任务：safety（平安日报）、drowning（防溺水提醒）、study（周学习）";
    // No Redis to be had here: a refusal that tried one first would say so instead.
    const env = { ...TEST_ENV, PINGAN_CONFIG: h.configPath, PINGAN_DATA_DIR: "/nonexistent/pingan", PINGAN_NOW: "2026-11-24T10:35:00+08:00", LOG_LEVEL: "silent" };
    const said = async (...args: string[]) => {
      const lines: string[] = [];
      const code = await runCli(["node", "pingan", "run", ...args], env, { out: (l) => lines.push(l), err: (l) => lines.push(l) });
      return { code, text: lines.join("\n") };
    };
    for (const task of ["nosuch", "constructor", "平 安"]) {
      const refused = await said("remind", task);
      expect(refused.code).toBe(2);
      expect(refused.text).toContain(`配置里没有任务“${task}”。${enabled}`);
      expect(refused.text).not.toMatch(/Redis|REDIS_URL/u);
    }
    const off = await said("remind", "checkup");
    expect(off.code).toBe(2);
    expect(off.text).toContain(`本县没有启用“晨午检”任务。${enabled}`);

    const before = h.webhook.messages.length;
    const byWord = await runJobBeside(h, { job: "remind", task: "平安", now: "2026-11-24T10:35:00+08:00", dryRun: true });
    expect(byWord.code).toBe(0);
    expect(byWord.lines.join("\n")).toContain("平安日报");
    expect(h.webhook.messages.length).toBe(before);
  });
});
