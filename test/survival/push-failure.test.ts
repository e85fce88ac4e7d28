import { afterAll, beforeAll, expect, it } from "vitest";
import { startHarness, type Harness } from "../support/harness.js";
import { TEST_ENV } from "../support/test-env.js";
import { waitFor } from "../support/wait-for.js";

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ now: "2026-11-24T09:00:00+08:00" });
});
afterAll(() => h.close());

const health = async () => (await (await fetch(`${h.url}/healthz`)).json()) as { status: string; problems?: string[] };

/**
 * The leaders' robot key was revoked (errcode 93000): the alert cannot go out, and nobody may
 * stay unaware of it. /healthz turns degraded naming the group and the reason, and every
 * leader's or admin's reply carries one line about it, until a push to that group succeeds.
 */
it("makes a push that failed for good visible until the group works again", async () => {
  expect((await health()).status).toBe("ok");
  h.webhook.failNext(TEST_ENV.WEBHOOK_KEY_LEADERS, 93000, 1);
  expect(await h.say("zhang_wei", "异常 一名学生课间摔伤，已送医")).toContain("已登记");
  await h.drainPushes();
  expect(h.webhook.rejected.map((r) => r.errcode)).toEqual([93000]);

  const degraded = await health();
  expect(degraded.status).toBe("degraded");
  expect(degraded.problems).toEqual([expect.stringContaining("局领导群推送失败：群机器人 key 无效")]);
  expect(degraded.problems![0]).toContain("1 条异常提醒未送达");

  const summary = await h.say("wang_zhiyuan", "汇总");
  expect(summary).toContain("⚠️ 局领导群推送失败：群机器人 key 无效");
  expect(await h.say("liu_xin", "未报")).toContain("1 条异常提醒未送达");
  // Principals are not told: there is nothing they can do about it.
  expect(await h.say("wang_fang", "平安")).not.toContain("推送失败");

  // The key works again: the next alert tries the group with the lost one first (in the order of their events), and the warning is gone.
  expect(await h.say("liu_yang", "异常 校门口积水")).toContain("已登记");
  await h.drainPushes();
  await waitFor("healthz ok", async () => (await health()).status === "ok");
  expect(await h.say("wang_zhiyuan", "汇总 昨天")).not.toContain("推送失败");
  const leaders = h.webhook.messages.filter((m) => m.group === "局领导群").map((m) => m.content);
  expect(leaders.filter((c) => c.includes("课间摔伤"))).toHaveLength(1);
  expect(leaders.findIndex((c) => c.includes("课间摔伤"))).toBeLessThanOrEqual(leaders.findIndex((c) => c.includes("校门口积水")));
});

/**
 * A lost alert is sent again in its place among its school's alerts: the school's next alert,
 * the one that finds the group reachable again, never goes out ahead of it.
 */
it("sends a lost alert again before a later alert of its school", async () => {
  await h.drainPushes();
  const before = h.webhook.messages.length;
  h.webhook.failNext(TEST_ENV.WEBHOOK_KEY_LEADERS, 93000, 1);
  expect(await h.say("chen_jing", "异常 实验楼外墙瓷砖脱落")).toContain("已登记");
  await h.drainPushes();
  expect(await h.say("chen_jing", "异常 实验楼外墙瓷砖脱落，已拉警戒线")).toContain("已登记");
  await h.drainPushes();
  await waitFor("healthz ok", async () => (await health()).status === "ok");
  const leaders = h.webhook.messages.slice(before).filter((m) => m.group === "局领导群").map((m) => m.content);
  const first = leaders.findIndex((c) => c.includes("瓷砖脱落") && !c.includes("警戒线"));
  const later = leaders.findIndex((c) => c.includes("警戒线"));
  expect(later).toBeGreaterThanOrEqual(0);
  // The lost alert before the update, or both in one message that gives the school's status now.
  expect(first === -1 || first < later).toBe(true);
  expect(leaders.filter((c) => c.includes("警戒线"))).toHaveLength(1);
});

/**
 * An alert that cannot be delivered a minute after its report is said once per group, on
 * /healthz and in a leader's next reply, and stays said after other pushes to the group fail
 * or succeed, until it is delivered.
 */
it("says an alert not delivered within 60 s on /healthz and in one line of a leader's reply", async () => {
  await h.drainPushes();
  await waitFor("healthz ok", async () => (await health()).status === "ok");
  h.webhook.failNext(TEST_ENV.WEBHOOK_KEY_LEADERS, 93000, 1_000_000);
  expect(await h.say("zhang_wei", "异常 实验室试剂柜门锁损坏")).toContain("已登记");
  await h.drainPushes();
  // Within the minute: the failure is said, not yet the lateness.
  expect((await health()).problems?.join("\n")).not.toContain("超过 1 分钟");
  h.clock.advance(61_000);
  const problems = (await health()).problems ?? [];
  expect(problems).toEqual([expect.stringContaining("局领导群有 1 条异常提醒超过 1 分钟还没送达（最久的已等 1 分钟，群机器人 key 无效")]);
  const reply = await h.say("wang_zhiyuan", "汇总");
  expect(reply.split("\n").filter((line) => line.includes("局领导群"))).toHaveLength(1);
  expect(reply).toContain("超过 1 分钟还没送达");
  h.webhook.recover(TEST_ENV.WEBHOOK_KEY_LEADERS);
  expect(await h.say("liu_yang", "异常 围墙裂缝")).toContain("已登记");
  await h.drainPushes();
  await waitFor("healthz ok", async () => (await health()).status === "ok");
  expect(h.webhook.messages.filter((m) => m.content.includes("试剂柜"))).toHaveLength(1);
});

/**
 * The leaders' webhook refuses every connection (a dead robot endpoint, a firewall): nothing
 * permanent, so the alert is retried, and it must not sit there unseen while it is. Within a
 * minute /healthz turns degraded and every leader's reply says an alert is waiting; retrying
 * goes on past the attempts other pushes get; a push to another group that succeeds changes
 * nothing; only that alert's delivery clears the warning.
 */
it("shows an alert that cannot be delivered yet at once, keeps retrying it, and clears only when it is delivered", async () => {
  await h.drainPushes();
  await waitFor("healthz ok", async () => (await health()).status === "ok");
  const leadersKey = TEST_ENV.WEBHOOK_KEY_LEADERS;
  h.webhook.failNext(leadersKey, "reset", 1_000_000);
  const refusedBefore = h.webhook.rejected.length;
  expect(await h.say("chen_jing", "异常 教学楼三楼走廊吊顶掉落")).toContain("已登记");

  await waitFor("the waiting alert on /healthz", async () => (await health()).problems?.some((p) => p.includes("还没送达")) ?? false, {
    timeoutMs: 60_000,
    everyMs: 200,
  });
  const waiting = (await health()).problems!.find((p) => p.includes("还没送达"))!;
  expect(waiting).toContain("局领导群");
  expect(waiting).toContain("1 条异常提醒");
  expect(waiting).toContain("连不上企业微信");
  expect(waiting).toContain("正在重试");
  expect(await h.say("wang_zhiyuan", "汇总")).toContain("还没送达");
  expect(await h.say("zhao_min", "平安")).not.toContain("还没送达");

  // More tries than any other push gets (5 here), and the alert is still owed.
  await waitFor("retries past the attempts", () => h.webhook.rejected.length - refusedBefore >= 7, { timeoutMs: 30_000, everyMs: 100 });
  // Another group's push goes through: the warning stays.
  expect(await h.say("wang_zhiyuan", "提醒 平安")).toContain("已安排提醒");
  await waitFor("the reminder", () => h.webhook.messages.some((m) => m.group === "全县校长群" && m.content.includes("【催报】")));
  expect((await health()).problems?.join("\n")).toContain("还没送达");

  h.webhook.recover(leadersKey);
  await waitFor("the alert delivered", () => h.webhook.messages.some((m) => m.group === "局领导群" && m.content.includes("吊顶掉落")), {
    timeoutMs: 45_000,
    everyMs: 200,
  });
  await waitFor("healthz ok", async () => (await health()).status === "ok");
  expect(await h.say("wang_zhiyuan", "汇总")).not.toContain("还没送达");
  expect(h.webhook.messages.filter((m) => m.content.includes("吊顶掉落"))).toHaveLength(1);
});
