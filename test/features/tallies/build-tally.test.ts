import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { buildTally, formatTallyKey } from "../../../src/features/tallies/build-tally.js";
import { splitMessage } from "../../../src/push/enqueue.js";
import { startLeaderDeps } from "../leaders/fixtures.js";

let env: Awaited<ReturnType<typeof startLeaderDeps>>;
beforeAll(async () => {
  env = await startLeaderDeps();
});
afterAll(() => env.redis.stop());
beforeEach(async () => {
  await env.client.flushdb();
});

describe("buildTally", () => {
  it("gives the task's block for its tally group, with the late count and the abnormal report in full", async () => {
    await env.seed(["CG004", "BB002"]);
    const push = await buildTally(env.deps, { task: "safety", period: env.tuesday, group: "leaders", now: new Date("2026-11-24T10:30:00+08:00") });
    expect(push).toMatchObject({ idempotencyKey: "tally:safety:2026-11-24", group: "leaders" });
    const bodies = splitMessage(push!.message);
    expect(bodies).toHaveLength(1);
    const content = bodies[0]!.msgtype === "markdown" ? bodies[0]!.markdown.content : "";
    expect(content.split("\n")).toEqual([
      "📋 **平安日报统计** 11月24日（周二），截止 10:00 已过",
      "应报 28 所 · 已报 26 所（92.9%）",
      "按时 25 · 迟报 1",
      "未报 2 所",
      "⚠️ **异常 1 条：**",
      "> **平安县城关第一小学**（城关片区）",
      "> 09:00 张伟",
      "> 一名学生课间摔伤",
      "**未报（2 所）：**",
      "城关片区：实验小学",
      "北部片区：北山中学",
    ]);
  });

  it("names the week of a weekly task and sums its numbers", async () => {
    const study = env.periods.at("study", new Date("2026-11-27T19:00:00+08:00"))!;
    await env.deps.store.put({
      school: "CG001", task: "study", period: study.id, value: { task: "study", attended: 50, expected: 52 },
      by: "zhang_wei", at: "2026-11-27T08:00:00Z", late: false, msgid: "s1", raw: "",
    });
    const push = await buildTally(env.deps, { task: "study", period: study, group: "leaders", now: new Date("2026-11-27T18:30:00+08:00") });
    expect(push?.idempotencyKey).toBe("tally:study:2026-W48");
    const lines = push!.message.lines.map((l) => l.text);
    expect(push!.message.header).toBe("📋 **周学习统计** 2026年第48周（11月23日—11月29日），截止 11月27日 周五 18:00 已过");
    expect(lines).toContain("应报 28 所 · 已报 1 所（3.6%）");
    expect(lines).toContain("教职工实到 50 / 应到 52 人（96.2%）");
  });

  it("builds nothing for a period that is not required", async () => {
    const drowning = env.periods.at("drowning", new Date("2026-11-24T09:00:00+08:00"))!;
    expect(await buildTally(env.deps, { task: "drowning", period: drowning, group: "leaders", now: new Date() })).toBeUndefined();
  });
});

describe("formatTallyKey", () => {
  // A running bureau's keys: the tally in the group the config names keeps the key it had before groups were bound to nodes.
  it("keys the named group's tally by task and period alone, any other group's with the group after", () => {
    expect(formatTallyKey("safety", "2026-11-24", "leaders", "leaders")).toBe("tally:safety:2026-11-24");
    expect(formatTallyKey("safety", "2026-11-24", "city-leaders", "leaders")).toBe("tally:safety:2026-11-24:city-leaders");
    expect(formatTallyKey("study", "2026-W48", "leaders", "county-leaders")).toBe("tally:study:2026-W48:leaders");
  });
});
