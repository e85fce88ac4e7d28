import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startHarness, type Harness } from "../support/harness.js";
import { runJobBeside } from "../support/run-job.js";

/**
 * What people typed and what it must come to (issue 21, 11–15; issue 26, 7), through HTTP or
 * the socket, on Tuesday 2026-06-16 09:30: in term and in the anti-drowning season, so every
 * task is open (平安 daily by 10:00, 防溺水 and 学习 weekly).
 */
const TUESDAY_0930 = "2026-06-16T09:30:00+08:00";

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ now: TUESDAY_0930 });
});
afterAll(() => h.close());
beforeEach(async () => {
  await h.drainPushes();
  await h.clearData();
  h.webhook.messages.length = 0;
  h.clock.set(new Date(TUESDAY_0930));
});

const periodOf = (task: "safety" | "drowning" | "study") => h.jobDeps.calendar.at(task, h.clock.now())!.id;
const reportOf = (task: "safety" | "drowning" | "study", school: string) => h.store.get(task, periodOf(task), school);

describe("questions are answered, never filed (21.11)", () => {
  it("answers 平安吗 and its like with the school's status and records nothing", async () => {
    for (const text of ["我们今天报平安了吗", "今天要报平安吗？", "平安吗", "今天平安吗", "平安报了没", "是否要报平安", "学习报了没有", "防溺水要报吗", "有异常吗", "今天需要报异常吗", "是否有异常？"]) {
      const reply = await h.say("hu_bin", text);
      expect(reply, text).toContain("这条消息是在问，没有登记为上报。");
      expect(reply, text).toContain("**平安县东湖镇中心小学**（东部片区）本期上报情况：");
      expect(reply, text).toContain("- 平安日报（6月16日（周二））：**未报**，截止 6月16日 周二 10:00");
    }
    for (const task of ["safety", "drowning", "study"] as const) expect(await reportOf(task, "DB001")).toBeUndefined();
    await h.drainPushes();
    expect(h.webhook.messages).toEqual([]);
  });

  it("answers a question about a report made, and never withdraws on one", async () => {
    await h.say("hu_bin", "平安");
    const recorded = await reportOf("safety", "DB001");
    expect(await h.say("hu_bin", "今天平安吗")).toMatch(/- 平安日报（6月16日（周二））：已报（6月16日 09:30）/u);
    expect(await h.say("hu_bin", "要撤销平安吗？")).toContain("需要时请直接发送“撤销 平安”。");
    expect(await reportOf("safety", "DB001")).toEqual(recorded);
  });

  it("answers every school of a reporter of two, and a leader's 代报 question without signing an entry", async () => {
    const both = await h.say("zhou_jie", "平安了吗");
    expect(both).toContain("**平安县枫林乡中心小学**");
    expect(both).toContain("**平安县枫林乡岭头小学**");
    // 平安 alone would be refused for him: the command to send names a school.
    expect(both).toContain("需要时请直接发送“平安 枫林小学”。");
    const forSchool = await h.say("wang_zhiyuan", "代报 岭头小学 平安吗");
    expect(forSchool).toContain("这条消息是在问，没有登记为上报。");
    expect(forSchool).toContain("需要时请直接发送“代报 岭头小学 平安”。");
    expect(forSchool).not.toContain("录入");
    expect(await reportOf("safety", "XB005")).toBeUndefined();
  });

  it("still files reports whose free text holds a question", async () => {
    expect(await h.say("hu_bin", "异常 有学生打架？")).toContain("已登记");
    expect((await reportOf("safety", "DB001"))?.value).toEqual({ task: "safety", status: "abnormal", description: "有学生打架？" });
    expect(await h.say("hu_bin", "学习 50/52 主题：如何做好防溺水工作？")).toContain("已登记");
    expect((await reportOf("study", "DB001"))?.value).toMatchObject({ attended: 50, expected: 52, topic: "如何做好防溺水工作？" });
  });
});

describe("remarks kept, hints asked about (21.12)", () => {
  const REMARK = "今天下雨，校门口积水已安排值守";

  it("keeps a normal day's remark as typed and shows it in the reply, 状态 and 历史", async () => {
    const reply = await h.say("guo_ping", `平安 在校187 ${REMARK}`);
    expect(reply).toContain(`> 无异常，在校 187 人；备注：${REMARK}`);
    expect((await reportOf("safety", "DB006"))?.value).toEqual({ task: "safety", status: "normal", present: 187, remark: REMARK });
    expect(await h.say("guo_ping", "状态")).toContain(`备注：${REMARK}`);
    expect(await h.say("wang_zhiyuan", "历史 柳溪小学")).toContain(`上报 平安日报 6月16日（周二）：无异常，在校 187 人；备注：${REMARK}`);
    const summary = await h.say("wang_zhiyuan", "汇总");
    expect(summary).toContain(`📌 **备注 1 条：**\n> 柳溪小学 09:30：${REMARK}`);
    // Written before the keyword, in traditional script: as typed.
    await h.say("hu_bin", "校門口積水已安排值守，平安");
    expect((await reportOf("safety", "DB001"))?.value).toMatchObject({ remark: "校門口積水已安排值守" });
  });

  it("asks about words that hint at an incident, and files nothing", async () => {
    for (const text of ["平安，但有一名学生发烧回家", "平安 一名学生摔伤已送医", "平安 有学生呕吐，已通知家长", "平安 两名学生打架已处理"]) {
      const reply = await h.say("guo_ping", text);
      expect(reply, text).toContain("像是异常情况");
      expect(reply, text).toContain("没有登记");
    }
    expect(await reportOf("safety", "DB006")).toBeUndefined();
    // Denied, they are no hint: 无人发烧.
    expect(await h.say("guo_ping", "平安，无人发烧")).toContain("已登记");
  });
});

describe("dates in a report (21.13)", () => {
  it("records 平安 … 昨天 for yesterday, as a late 补报, by the same record path", async () => {
    const reply = await h.say("zhou_jie", "平安 岭头小学 昨天");
    expect(reply).toContain("✅ 已登记：**平安县枫林乡岭头小学** 6月15日（周一） 平安日报");
    expect(reply).toContain("记为**迟报**");
    expect(reply).toContain("📅 这是 6月15日（周一） 的补报");
    const yesterday = await h.store.get("safety", "2026-06-15", "XB005");
    expect(yesterday).toMatchObject({ value: { task: "safety", status: "normal" }, late: true });
    expect(await reportOf("safety", "XB005")).toBeUndefined();
    // 汇总 of yesterday counts it, as it counts any report of that day.
    expect(await h.say("wang_zhiyuan", "汇总 昨天")).toMatch(/已报 1 所/u);
  });

  it("takes a leader's 代报 with a date the same way, and a date is never a figure", async () => {
    expect(await h.say("wang_zhiyuan", "代报 岭头小学 平安 昨天")).toContain("6月15日（周一） 平安日报");
    expect((await h.store.get("safety", "2026-06-15", "XB005"))?.onBehalf).toBe(true);
    const dated = await h.say("wang_zhiyuan", "代报 龙潭学校 平安 6-15");
    expect(dated).toContain("6月15日（周一） 平安日报");
    expect(dated).not.toContain("15”是什么人数");
    expect(await h.store.get("safety", "2026-06-15", "XB003")).toBeDefined();
    // Last week's study, on the Tuesday after: within the limit of the week's end.
    expect(await h.say("hu_bin", "学习 上周 48/52")).toContain("2026年第24周");
    expect((await h.store.get("study", "2026-W24", "DB001"))?.value).toMatchObject({ attended: 48, expected: 52 });
    // A date of the current period is the current period: this week's study.
    expect(await h.say("hu_bin", "学习 6-15 50/52")).toContain("2026年第25周");
    expect((await reportOf("study", "DB001"))?.value).toMatchObject({ attended: 50, expected: 52 });
  });

  it("refuses a date to come or past the limit, never moving it to today", async () => {
    expect(await h.say("hu_bin", "平安 明天")).toContain("只能登记今天和之前 3 天内的上报，“明天”还没到。");
    expect(await h.say("hu_bin", "平安 6月10日")).toContain("只能登记今天和之前 3 天内（6月13日（周六）起）的上报，“6月10日”的平安日报已不能补报。");
    expect(await h.say("hu_bin", "学习 6-1 50/52")).toContain("已不能补报");
    for (const task of ["safety", "study"] as const) expect(await reportOf(task, "DB001")).toBeUndefined();
    expect(await h.store.get("safety", "2026-06-10", "DB001")).toBeUndefined();
  });
});

describe("figures the roster contradicts (21.14)", () => {
  it("checks the whole that 实到 + 请假 make against the roster, as a whole typed is", async () => {
    // 东湖中学 (zhu_hong) has 64 staff on the roster.
    const parts = await h.say("zhu_hong", "学习 50人参加 2人请假");
    expect((await reportOf("study", "DB002"))?.value).toEqual({ task: "study", attended: 50, expected: 52, leave: 2 });
    expect(parts).toContain("实到 50 / 应到 52 人");
    expect(parts).toContain("📌 名单里贵校教职工 64 人，请核对");
    const whole = await h.say("zhu_hong", "学习 45/50");
    expect(whole).toContain("📌 名单里贵校教职工 64 人，请核对");
    // Within a tenth of the roster's figure, no note.
    expect(await h.say("hu_bin", "学习 50人参加 2人请假")).not.toContain("📌");
  });

  it("refuses a figure that is not a number, and never reads one from what is left", async () => {
    for (const text of ["学习 NaN/52", "学习 ?/52", "学习 /52", "学习 50/", "学习 50/NaN", "防溺水 ?/1630", "防溺水 abc/1630"]) {
      const reply = await h.say("ma_rui", text);
      expect(reply, text).toContain("不是人数");
      expect(reply, text).toContain("没有登记");
    }
    expect(await reportOf("study", "DB007")).toBeUndefined();
    expect(await reportOf("drowning", "DB007")).toBeUndefined();
    // A slash between words is no figure: channels written 告家长书/电话.
    expect(await h.say("ma_rui", "防溺水 1600/1630 告家长书/电话")).toContain("已登记");
  });
});

describe("phrasings people used (26.7)", () => {
  it("files 正常, 今日无事, 平 安 and their like as 平安", async () => {
    for (const text of ["正常", "正常。", "今日无事", "今天正常", "平 安", "報 平 安"]) {
      await h.clearData();
      expect(await h.say("hu_bin", text), text).toContain("已登记");
      expect((await reportOf("safety", "DB001"))?.value, text).toEqual({ task: "safety", status: "normal" });
    }
    expect(await h.say("deng_hui", "平安 在校 429 名学生，教职工 31 人全部到岗")).toContain("无异常，在校 429 人");
    expect((await reportOf("safety", "BB004"))?.value).toEqual({ task: "safety", status: "normal", present: 429 });
  });

  it("asks about a near-miss of a command word and records nothing", async () => {
    for (const text of ["平按", "评安", "今天评安", "pingan"]) {
      const reply = await h.say("hu_bin", text);
      expect(reply, text).toContain("您是想发“平安”吗？本条消息没有登记。");
    }
    expect(await h.say("hu_bin", "防弱水 830/846")).toContain("您是想发“防溺水”吗？");
    expect(await h.say("wang_zhiyuan", "会总")).toContain("您是想发“汇总”吗？");
    for (const task of ["safety", "drowning"] as const) expect(await reportOf(task, "DB001")).toBeUndefined();
    // What sounds like nothing of ours is still not understood.
    expect(await h.say("hu_bin", "安全教育已完成")).toContain("没有看懂");
  });

  it("reads 汇总 本月, 汇总 上周五 and 未报 东部", async () => {
    expect(await h.say("wang_zhiyuan", "汇总 本月")).toContain("**📋 上报汇总 · 本月（6月1日—6月16日）**");
    expect(await h.say("wang_zhiyuan", "汇总 上周五")).toContain("**📋 上报汇总 · 上周五 6月12日（周五）**");
    const east = await h.say("wang_zhiyuan", "未报 平安 东部");
    expect(east).toContain("东部片区未报 7 所（应报 7 所）：");
    expect(east).not.toContain("西部片区");
  });
});

describe("smaller wrong words (21.15)", () => {
  it("never calls the 防溺水提醒 task's reminder 防溺水提醒提醒", async () => {
    const run = await runJobBeside(h, { job: "remind", task: "drowning", now: "2026-06-18T16:00:00+08:00" });
    expect(run.lines.join("\n")).toContain("防溺水提醒（2026年第25周（6月15日—6月21日））：已发送 1 条");
    expect(run.lines.join("\n")).not.toContain("提醒提醒");
  });

  it("prints an area's own totals above the area's list in 未报 … 西部片区", async () => {
    await h.say("hu_bin", "平安");
    await h.say("song_wen", "平安");
    const reply = await h.say("wang_zhiyuan", "未报 平安 西部片区");
    // 西部片区 holds 7 schools, one of which (龙潭学校) reported; the county's 28 are not the area's.
    expect(reply).toContain("西部片区未报 6 所（应报 7 所）：");
    expect(reply).not.toContain("28");
    expect(reply).toContain("**西部片区**（6 所）");
    expect(reply).not.toContain("东部片区");
  });

  it("names the reporter on the board as everywhere else, never by account id", async () => {
    await h.say("yang_lei", "异常 校门口积水，已安排人员值守");
    const reply = await h.say("wang_zhiyuan", "看板");
    const url = new URL(/\((https?:[^)]+)\)/u.exec(reply)![1]!);
    const page = await (await fetch(`${h.url}${url.pathname}${url.search}`)).text();
    expect(page).toContain("杨磊 上报");
    expect(page).not.toContain("yang_lei");
  });
});
