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

  // The key works again: the next alert goes out and the warning is gone.
  expect(await h.say("liu_yang", "异常 校门口积水")).toContain("已登记");
  await h.drainPushes();
  await waitFor("healthz ok", async () => (await health()).status === "ok");
  expect(await h.say("wang_zhiyuan", "汇总 昨天")).not.toContain("推送失败");
});
