import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startHarness, type Harness } from "../support/harness.js";

/** Answers that fit who sent the message, through the real callback path. */
let h: Harness;
beforeAll(async () => {
  h = await startHarness({ now: "2026-06-12T08:30:00+08:00" });
});
afterAll(() => h.close());
beforeEach(async () => {
  await h.drainPushes();
  await h.clearData();
});

describe("a leader or admin sending a school's report", () => {
  it("is told it is for schools' reporters and shown his own message in the 代报 form; nothing is recorded", async () => {
    for (const [userid, text] of [["wang_zhiyuan", "平安"], ["liu_xin", "今日平安"], ["chen_xiaohong", "防溺水 1180/1200"], ["liu_xin", "学习 50/52"]] as const) {
      const reply = await h.say(userid, text);
      expect(reply, text).toMatch(/^“.+”是学校上报人用的指令，本条消息没有登记。/u);
      expect(reply, text).toContain(`> @平安助手 代报 城关一小 ${text}`);
    }
    expect(await h.say("wang_zhiyuan", "状态")).toContain("@平安助手 汇总，或 @平安助手 历史 学校");
    expect(await h.store.list("safety", "2026-06-12")).toEqual(new Map());
    expect(await h.store.list("study", "2026-W24")).toEqual(new Map());
  });

  it("entering a report for a school (代报) is told the 代报 form in every hint and example", async () => {
    const abnormal = await h.say("liu_xin", "代报 县一中 异常 一名学生发烧已送医");
    expect(abnormal).toContain("已登记：**平安县第一中学**");
    expect(abnormal).toContain("情况有变化请再次发送“代报 县一中 异常 …”更新，恢复正常后发送“代报 县一中 平安”");
    expect(abnormal).toContain("📝 以上为 刘鑫 代 平安县第一中学 录入（代报）");
    const refused = await h.say("liu_xin", "代报 县一中 平安 有学生受伤");
    expect(refused).toContain("有异常请发送“代报 县一中 异常 具体情况”");
    expect(refused).toContain("> @平安助手 代报 县一中 平安 在校1200");
    const negative = await h.say("liu_xin", "代报 柳溪小学 防溺水 -5/187");
    expect(negative).toContain("人数不能是负数");
    expect(negative).toContain("> @平安助手 代报 柳溪小学 防溺水 167/187 电话");
    // The school may be named before the keyword, and by a part only it has.
    expect(await h.say("wang_zhiyuan", "县二中代报平安")).toContain("已登记：**平安县第二中学**");
    expect(await h.say("wang_zhiyuan", "代报 岭头 平安")).toContain("已登记：**平安县枫林乡岭头小学**");
    expect(await h.say("wang_zhiyuan", "代报 枫林 平安")).toContain("“枫林”对应多所学校：枫林小学、岭头小学");
  });
});

describe("a principal", () => {
  it("sending a leader's command is told it is the leaders' and where his own status is", async () => {
    for (const text of ["汇总", "未报", "导出 本月", "历史 东湖小学"]) {
      expect(await h.say("hu_bin", text), text).toMatch(/^“.+”是局领导和管理员用的指令，本条消息没有登记。查看本校的上报情况请发送：@平安助手 状态$/u);
    }
    // 结案 from a school means its 终报: he is shown his message with it.
    expect(await h.say("hu_bin", "結案 #3 学生已返校")).toBe("“结案”是局领导和管理员用的指令，本条消息没有登记。学校这边处理完毕时请发送：\n> @平安助手 终报 ＃3 学生已返校");
  });

  it("of two schools sees examples naming his own schools, and the schools a shared part of a name matches", async () => {
    const which = await h.say("zhou_jie", "防溺水 1180/1200");
    expect(which).toContain("您负责多所学校（枫林小学、岭头小学）");
    // Each with figures that fit the school it names (356 and 74 pupils; the examples are written for 1,200).
    expect(which).toContain("> @平安助手 防溺水 枫林小学 336/356 电话");
    expect(which).toContain("> @平安助手 防溺水 岭头小学 已提醒54 共74");
    expect(which).not.toContain("城关一小");
    const help = await h.say("zhou_jie", "帮助");
    expect(help).toContain("> @平安助手 平安 枫林小学");
    expect(help).not.toContain("城关一小");
    expect(await h.say("zhou_jie", "平安 枫林")).toContain("“枫林”对应多所学校：枫林小学、岭头小学");
  });

  it("whose leader's keyword sits inside his message is not told it is the leaders' (已提醒…)", async () => {
    const reply = await h.say("hu_bin", "已提醒家长830人");
    expect(reply).toContain("没有看懂");
    // His own kinds' examples, fitted to his school (东湖小学, 846 pupils).
    expect(reply).toContain("@平安助手 平安、@平安助手 防溺水 826/846 电话、@平安助手 学习 50/52、@平安助手 帮助");
    expect(reply).not.toContain("局领导");
    // With the task named anywhere, it is the report.
    expect(await h.say("hu_bin", "已提醒家长830人 防溺水")).toContain("已提醒家长 830 / 846 人");
  });
});

describe("school names are never keywords", () => {
  it("平安县… holds 平安, but names the school", async () => {
    expect(await h.say("hu_bin", "平安县东湖镇中心小学 防溺水 完成")).toContain("已提醒家长 846 / 846 人");
    expect(await h.say("wang_zhiyuan", "历史 平安县东湖镇中心小学")).toContain("**平安县东湖镇中心小学**（东部片区）最近的上报");
  });
});
