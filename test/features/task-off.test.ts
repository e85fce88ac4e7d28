import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../../src/cli/cli.js";
import { startHarness, type Harness } from "../support/harness.js";
import { runJobBeside } from "../support/run-job.js";
import { TEST_ENV } from "../support/test-env.js";

/** 周学习 switched off: a report, a leader's command and the CLI say so in the one wording. */
describe("a task that is off", () => {
  let h: Harness;
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "pingan-task-off-"));
    h = await startHarness({ now: "2026-11-27T16:00:00+08:00", variant: { edits: [["    name: 周学习\n", "    name: 周学习\n    enabled: false\n"]] } });
  });
  afterAll(async () => {
    await h.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("answers a report of it with the task's name and no more", async () => {
    expect(await h.say("zhang_wei", "学习 50/52")).toContain("本县没有启用“周学习”任务。");
  });

  it("answers a leader's command naming it in the same words", async () => {
    expect(await h.say("wang_zhiyuan", "未报 学习")).toContain("本县没有启用“学习”任务。");
  });

  it("says so from pingan run and pingan export, by the task's name", async () => {
    const run = await runJobBeside(h, { job: "remind", task: "study", now: "2026-11-27T15:00:00+08:00" });
    expect(run.code).toBe(2);
    expect(run.lines).toContain("本县没有启用“周学习”任务。可用的任务：safety（平安日报）、drowning（防溺水提醒）");

    const said: string[] = [];
    const args = ["export", "--from", "2026-11-23", "--to", "2026-11-27", "--csv", "--task", "study", "--out", join(dir, "study.csv")];
    const env = { ...TEST_ENV, PINGAN_CONFIG: h.configPath, REDIS_URL: h.redis.url, PINGAN_NOW: "2026-11-27T20:00:00+08:00", LOG_LEVEL: "silent" };
    const code = await runCli(["node", "pingan", ...args], env, { out: (l) => said.push(l), err: (l) => said.push(l) });
    expect(code).not.toBe(0);
    expect(said.join("\n")).toContain("本县没有启用“周学习”任务。");
  });
});
