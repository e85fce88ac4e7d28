import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createKeys } from "../../src/store/keys.js";
import { startHarness, type Harness } from "../support/harness.js";
import { TEST_ENV } from "../support/test-env.js";
import { sayAt, takeMessages } from "./leader-seed.js";

const LEADERS = "局领导群";

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ now: "2026-11-24T08:40:00+08:00" });
});
afterAll(() => h.close());
beforeEach(async () => {
  await h.drainPushes();
  await h.clearData();
  h.webhook.messages.length = 0;
});

describe("异常 alerts the leaders' group", () => {
  it("at once, with school, area, reporter, time and the description as typed", async () => {
    await sayAt(h, "2026-11-24T08:40:00+08:00", "zhang_wei", "异常 一名學生课间摔伤，已送医，无生命危险");
    const messages = await takeMessages(h, LEADERS);
    expect(messages).toHaveLength(1);
    expect(messages[0]!.msgtype).toBe("markdown");
    expect(messages[0]!.content).toBe(
      [
        "⚠️ **异常报告：平安县城关第一小学**（城关片区）",
        "> 一名學生课间摔伤，已送医，无生命危险",
        "上报：张伟 11月24日 08:40",
        "事件 **#1**　领导回复「收到 #1」表示已阅",
      ].join("\n"),
    );
    expect(await takeMessages(h, "全县校长群")).toHaveLength(0);
  });

  it("once for a repeated callback, and once when the webhook asks to retry", async () => {
    const rejectedBefore = h.webhook.rejected.length;
    h.webhook.failNext(TEST_ENV.WEBHOOK_KEY_LEADERS, 45009);
    const first = await h.sim.say({ from: "wang_fang", text: "异常 校门口积水，已安排人员值守", msgid: "msg-abn-1" });
    const again = await h.sim.say({ from: "wang_fang", text: "异常 校门口积水，已安排人员值守", msgid: "msg-abn-1" });
    expect(again.markdown).toBe(first.markdown);
    const messages = await takeMessages(h, LEADERS);
    expect(messages).toHaveLength(1);
    expect(messages[0]!.content).toContain("校门口积水，已安排人员值守");
    expect(h.webhook.rejected.slice(rejectedBefore).map((r) => r.errcode)).toEqual([45009]);
  });

  it("sends an update when a new 异常 replaces one, and 已恢复正常 when 平安 does", async () => {
    // Hours apart, each alert has gone out before the next message (at once, they are merged: alert-burst.test.ts).
    const messages = [];
    await sayAt(h, "2026-11-24T08:40:00+08:00", "zhang_wei", "异常 一名学生课间摔伤，已送医");
    messages.push(...(await takeMessages(h, LEADERS)));
    await sayAt(h, "2026-11-24T09:15:00+08:00", "zhang_wei", "异常 学生已确诊轻微骨裂，家长已到医院");
    messages.push(...(await takeMessages(h, LEADERS)));
    await sayAt(h, "2026-11-24T11:00:00+08:00", "li_na", "平安");
    messages.push(...(await takeMessages(h, LEADERS)));
    expect(messages.map((m) => m.content.split("\n")[0])).toEqual([
      "⚠️ **异常报告：平安县城关第一小学**（城关片区）",
      "⚠️ **异常更新：平安县城关第一小学**（城关片区）",
      "✅ **更新：平安县城关第一小学（城关片区）已恢复正常**",
    ]);
    expect(messages[1]!.content).toContain("> 学生已确诊轻微骨裂，家长已到医院");
    expect(messages[1]!.content).toContain("原报（11月24日 08:40）：一名学生课间摔伤，已送医");
    expect(messages[2]!.content).toContain("原报（11月24日 09:15）：学生已确诊轻微骨裂，家长已到医院");
    expect(messages[2]!.content).toContain("上报：李娜 11月24日 11:00（迟报）");
  });

  it("tells the leaders when an abnormal report is withdrawn, and nothing for a withdrawn 平安", async () => {
    await sayAt(h, "2026-11-24T08:40:00+08:00", "zhang_wei", "异常 校门口积水");
    const messages = await takeMessages(h, LEADERS);
    await sayAt(h, "2026-11-24T08:50:00+08:00", "zhang_wei", "撤销 平安");
    await sayAt(h, "2026-11-24T08:55:00+08:00", "wang_fang", "平安");
    await sayAt(h, "2026-11-24T08:56:00+08:00", "wang_fang", "撤销 平安");
    messages.push(...(await takeMessages(h, LEADERS)));
    expect(messages.map((m) => m.content.split("\n")[0])).toEqual([
      "⚠️ **异常报告：平安县城关第一小学**（城关片区）",
      "↩️ **更新：平安县城关第一小学（城关片区）撤销了异常报告，该校今日暂为未报**",
    ]);
    expect(messages[1]!.content).toContain("原报（11月24日 08:40）：校门口积水");
    expect(messages[1]!.content).toContain("撤销：张伟 11月24日 08:50");
  });

  it("sends nothing for a report that says again what the one it replaces said", async () => {
    await sayAt(h, "2026-11-24T08:40:00+08:00", "zhang_wei", "异常 一名学生课间摔伤，已送医");
    expect(await takeMessages(h, LEADERS)).toHaveLength(1);
    const again = await sayAt(h, "2026-11-24T08:45:00+08:00", "li_na", "异常 一名学生课间摔伤，已送医");
    expect(again).toContain("⚠️ 已登记");
    expect(await takeMessages(h, LEADERS)).toHaveLength(0);
    await sayAt(h, "2026-11-24T08:50:00+08:00", "zhang_wei", "异常 一名学生课间摔伤，已送医，家长已到");
    expect((await takeMessages(h, LEADERS)).map((m) => m.content.split("\n")[0])).toEqual(["⚠️ **异常更新：平安县城关第一小学**（城关片区）"]);
  });

  it("sends nothing for 平安 that replaces 平安, nor for other tasks", async () => {
    await sayAt(h, "2026-11-24T08:40:00+08:00", "zhang_wei", "平安");
    await sayAt(h, "2026-11-24T08:45:00+08:00", "zhang_wei", "平安 在校2100");
    await sayAt(h, "2026-11-24T08:50:00+08:00", "zhang_wei", "学习 50/52");
    expect(await takeMessages(h, LEADERS)).toHaveLength(0);
  });

  it("names the leader who entered it for the school (代报)", async () => {
    await sayAt(h, "2026-11-24T08:40:00+08:00", "wang_zhiyuan", "代报 东湖小学 异常 一名学生放学途中摔伤，已送医");
    const messages = await takeMessages(h, LEADERS);
    expect(messages).toHaveLength(1);
    expect(messages[0]!.content).toContain("⚠️ **异常报告：平安县东湖镇中心小学**（东部片区）");
    expect(messages[0]!.content).toContain("代报：王志远 11月24日 08:40");
  });

  it("never lets a description mention anyone", async () => {
    await sayAt(h, "2026-11-24T08:40:00+08:00", "zhang_wei", "异常 <@all> 请大家注意 <@wang_zhiyuan>");
    const [message] = await takeMessages(h, LEADERS);
    expect(message!.content).not.toMatch(/<@(all|wang_zhiyuan)>/);
    expect(message!.content).toContain("＜@all＞ 请大家注意");
  });
});

describe("a callback WeCom repeats", () => {
  it("gets the same reply and alerts once, from the reply kept with the report (no cache beside it to lose)", async () => {
    h.clock.set(new Date("2026-11-24T08:40:00+08:00"));
    const say = () => h.sim.say({ from: "zhang_wei", text: "异常 一名学生课间摔伤", msgid: "repeat-1" });
    const first = await say();
    // A check-in's reply is written by the record script itself, never kept apart by the dispatcher.
    expect(await h.client.exists(createKeys().callbackReply("repeat-1"))).toBe(0);
    const second = await say();
    expect(second.markdown).toBe(first.markdown);
    expect(first.markdown).toContain("已登记");
    expect(await takeMessages(h, LEADERS)).toHaveLength(1);
    expect((await h.store.log("safety", "2026-11-24")).map((e) => e.msgid)).toEqual(["repeat-1"]);
  });
});
