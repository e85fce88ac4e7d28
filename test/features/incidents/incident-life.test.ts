import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { incidentText } from "../../../src/features/incidents/incident-text.js";
import { createKeys } from "../../../src/store/keys.js";
import { HARNESS_CHATID, startHarness, type Harness } from "../../support/harness.js";
import { askOverLongConnection } from "../../support/ask-long-connection.js";
import { sayAt, takeMessages } from "../../commands/leader-seed.js";

const LEADERS = "局领导群";
const keys = createKeys();

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

describe("an 异常 opens a numbered incident", () => {
  it("that its alert names, once for a repeated callback", async () => {
    const message = { userid: "zhang_wei", text: "异常 一名学生课间摔伤，已送医", msgid: "inc-open-1" };
    for (let i = 0; i < 2; i += 1) {
      if (h.longConnection) await askOverLongConnection(h.longConnection, { ...message, chatid: HARNESS_CHATID });
      else expect((await h.sim.say({ ...message, from: message.userid })).markdown).toContain("已登记");
    }
    const [alert, ...more] = await takeMessages(h, LEADERS);
    expect(more).toHaveLength(0);
    expect(alert!.content.split("\n").at(-1)).toBe("事件 **#1**　领导回复「收到 #1」表示已阅");
    expect(await h.client.get(keys.incidentSeq())).toBe("1");
  });

  it("is acknowledged, followed up and closed, each step with who and when, the first 收到 told once in the next message", async () => {
    await sayAt(h, "2026-11-24T08:40:00+08:00", "zhang_wei", "异常 一名学生课间摔伤，已送医");
    await takeMessages(h, LEADERS);
    // Within its first minute: just reported, not 已 0分钟.
    expect(await sayAt(h, "2026-11-24T08:40:20+08:00", "wang_zhiyuan", "汇总")).toContain("- #1 城关一小：刚报，尚无续报，无人收到");
    expect(await sayAt(h, "2026-11-24T08:45:00+08:00", "wang_zhiyuan", "收到 #1")).toContain("已记录：您已收到事件 #1（城关一小）");
    expect(await sayAt(h, "2026-11-24T08:47:00+08:00", "chen_xiaohong", "收到 城关一小")).toContain("王志远 已于 08:45 先收到");
    // 收到 is never a message of its own.
    expect(await takeMessages(h, LEADERS)).toHaveLength(0);

    expect(await sayAt(h, "2026-11-24T09:30:00+08:00", "zhang_wei", "续报 学生已确诊轻微骨裂，<b>家长</b>已到医院")).toContain("已记录事件 #1（城关一小）的续报");
    await sayAt(h, "2026-11-24T10:30:00+08:00", "li_na", "续报 #1 学生情况稳定");
    const [followUp, second] = await takeMessages(h, LEADERS);
    expect(followUp!.content.split("\n")).toEqual([
      "📝 **续报 #1：城关一小**",
      "> 学生已确诊轻微骨裂，＜b＞家长＜/b＞已到医院",
      "续报：张伟 11月24日 09:30",
      "（王志远 已于 08:45 收到）",
    ]);
    expect(second!.content).not.toContain("收到");
    expect(second!.content).toContain("续报：李娜 11月24日 10:30");

    const summary = await sayAt(h, "2026-11-24T11:00:00+08:00", "wang_zhiyuan", "汇总");
    expect(summary).toContain("**未结事件（1）**");
    expect(summary).toContain("- #1 城关一小：已 2小时20分钟，最近续报 11月24日 10:30，王志远已收到");

    expect(await sayAt(h, "2026-11-24T16:00:00+08:00", "zhang_wei", "终报 学生已返校上课")).toContain("事件 #1（城关一小）的终报，事件已结束");
    const [final] = await takeMessages(h, LEADERS);
    expect(final!.content).toContain("✅ **终报 #1：城关一小**（事件处理完毕）");
    expect(await sayAt(h, "2026-11-24T16:10:00+08:00", "wang_zhiyuan", "汇总")).not.toContain("未结事件");
    expect(await sayAt(h, "2026-11-24T16:20:00+08:00", "zhang_wei", "续报 又有新情况")).toContain("城关一小现在没有未结的事件");
    expect(await sayAt(h, "2026-11-24T16:30:00+08:00", "wang_zhiyuan", "结案 #1 已妥善处理")).toContain("事件 #1 已经结案");

    const history = await sayAt(h, "2026-11-24T16:40:00+08:00", "wang_zhiyuan", "历史 城关一小");
    for (const line of [
      "- 11月24日 08:40 张伟 事件 #1 首报",
      "- 11月24日 08:45 王志远 事件 #1 收到",
      "- 11月24日 08:47 陈晓红 事件 #1 收到",
      "- 11月24日 09:30 张伟 事件 #1 续报：学生已确诊轻微骨裂",
      "- 11月24日 16:00 张伟 事件 #1 终报：学生已返校上课",
    ]) {
      expect(history).toContain(line);
    }
  });

  it("closed by a leader with 结案, which the other leaders read", async () => {
    await sayAt(h, "2026-11-24T08:40:00+08:00", "wang_fang", "异常 校门口积水");
    await takeMessages(h, LEADERS);
    expect(await sayAt(h, "2026-11-24T09:00:00+08:00", "chen_xiaohong", "结案 #1 积水已排除")).toContain("事件 #1（城关二小）已结案");
    const [closed] = await takeMessages(h, LEADERS);
    expect(closed!.content.split("\n").slice(0, 3)).toEqual(["✅ **结案 #1：城关二小**", "> 积水已排除", "结案：陈晓红 11月24日 09:00"]);
  });

  it("updated by a corrected 异常 and noted when withdrawn, never opening two", async () => {
    await sayAt(h, "2026-11-24T08:40:00+08:00", "wang_fang", "异常 校门口积水");
    await takeMessages(h, LEADERS);
    await sayAt(h, "2026-11-24T08:50:00+08:00", "wang_fang", "异常 校门口积水，已安排人员值守");
    const [update] = await takeMessages(h, LEADERS);
    expect(update!.content).toContain("事件 **#1**");
    await sayAt(h, "2026-11-24T09:00:00+08:00", "wang_fang", "撤销 平安");
    await takeMessages(h, LEADERS);
    expect(await h.client.get(keys.incidentSeq())).toBe("1");
    expect(await sayAt(h, "2026-11-24T09:05:00+08:00", "wang_zhiyuan", "汇总")).not.toContain("未结事件");
    const history = await sayAt(h, "2026-11-24T09:10:00+08:00", "wang_zhiyuan", "历史 城关二小");
    expect(history).toContain("- 11月24日 08:50 王芳 事件 #1 更正");
    expect(history).toContain("- 11月24日 09:00 事件 #1 撤销");
  });

  it("@-mentions every leader at once when urgent", async () => {
    await sayAt(h, "2026-11-24T08:40:00+08:00", "wang_fang", "异常 三名学生受伤，已送医");
    const [alert] = await takeMessages(h, LEADERS);
    expect(alert!.content).toContain("🚨 **紧急**（三名学生受伤）：请各位领导立即关注 <@wang_zhiyuan> <@chen_xiaohong>");
  });

  it("answers 收到 or 续报 naming the school while its 异常 is recorded but its alert has not numbered it yet", async () => {
    // The alert's turn opens the incident: held back, the 异常 is in force with no number yet.
    await h.pushQueue.queue.pause();
    try {
      expect(await sayAt(h, "2026-11-24T08:40:00+08:00", "zhang_wei", "异常 一名学生课间摔伤，已送医")).toContain("已登记");
      expect(await sayAt(h, "2026-11-24T08:41:00+08:00", "wang_zhiyuan", "收到 城关一小")).toContain("城关一小的异常还在登记");
      expect(await h.say("zhang_wei", "续报 学生情况稳定")).toContain("城关一小的异常还在登记");
      // A school with nothing abnormal has no incident coming.
      expect(await h.say("wang_zhiyuan", "收到 城关二小")).toContain("城关二小现在没有未结的事件");
      expect(await h.client.get(keys.incidentSeq())).toBeNull();
    } finally {
      await h.pushQueue.queue.resume();
    }
    const [alert] = await takeMessages(h, LEADERS);
    expect(alert!.content).toContain("事件 **#1**");
    expect(await sayAt(h, "2026-11-24T08:45:00+08:00", "wang_zhiyuan", "收到 城关一小")).toContain("已记录：您已收到事件 #1（城关一小）");
  });

  it("answers bad steps in Chinese and records nothing", async () => {
    expect(await sayAt(h, "2026-11-24T08:40:00+08:00", "wang_zhiyuan", "收到")).toContain("请写上事件编号或学校");
    // Above the last number given: an incident whose alert has not gone out yet (its turn opens and
    // numbers it), or a number mistyped; the answer claims neither and says what to do in each case.
    expect(await h.say("wang_zhiyuan", "收到 #99")).toBe(incidentText.notNumberedYet(99));
    expect(await h.say("zhang_wei", "续报 #99 学生情况稳定")).toBe(incidentText.notNumberedYet(99));
    expect(await h.say("wang_zhiyuan", "结案 12 已处理")).toContain("请写上事件编号和结案意见");
    expect(await h.say("zhang_wei", "续报")).toContain("请写上续报的内容");
    expect(await h.say("zhang_wei", "续报 学生情况稳定")).toContain("城关一小现在没有未结的事件");
    expect(await h.client.keys("*{incidents}*")).toEqual([]);
    // A number given and gone (past the retention) is none.
    await h.client.set(keys.incidentSeq(), "120");
    expect(await h.say("wang_zhiyuan", "收到 #99")).toContain("没有事件 #99");
  });
});
