import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startHarness, type Harness } from "../support/harness.js";
import { reportAll, sayAt, takeMessages } from "./leader-seed.js";

const TUESDAY_0930 = "2026-11-24T09:30:00+08:00";
const MISSING = ["CG004", "XB003", "XB004", "BB006"];

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ now: TUESDAY_0930 });
});
afterAll(() => h.close());
beforeEach(async () => {
  await h.drainPushes();
  await h.clearData();
  h.webhook.messages.length = 0;
});

/** Everyone has reported but CG004, XB003, XB004, BB006 (two reporters) and DB005 (exempt). */
async function seed(): Promise<void> {
  await sayAt(h, "2026-11-24T07:30:00+08:00", "liu_xin", "免报 白沙学校 平安 今天 停电检修");
  await reportAll(h, "2026-11-24T08:30:00+08:00", [...MISSING, "DB005"]);
  h.clock.set(new Date(TUESDAY_0930));
}

/** The reporters of the schools, sorted. */
const reportersOf = (codes: readonly string[]) => codes.flatMap((code) => h.roster.byCode(code)!.reporters).sort();

describe("未报", () => {
  it("lists the missing schools by area, each with its reporters by name", async () => {
    await seed();
    const reply = await h.say("wang_zhiyuan", "未报 平安");
    expect(reply).toContain("**未报 · 平安日报 11月24日（周二）**（截止 10:00）");
    expect(reply).toContain("未报 4 所（应报 27 所，免报 1 所）：");
    expect(reply).toContain(
      [
        "**城关片区**（1 所）",
        "实验小学 陈静",
        "**西部片区**（2 所）",
        "龙潭学校 宋文",
        "枫林小学 周杰",
        "**北部片区**（1 所）",
        "县四中 彭飞、吴霞",
      ].join("\n"),
    );
    // A reply notifies nobody: names, never account ids or mentions.
    expect(reply).not.toMatch(/<@|chen_jing|peng_fei/u);
    expect(reply).not.toContain("白沙学校");
  });

  it("without a task lists every task due now, and says when a task is complete or not due", async () => {
    await seed();
    const all = await h.say("chen_xiaohong", "未报");
    expect(all).toContain("**未报 · 平安日报 11月24日（周二）**");
    expect(all).toContain("**未报 · 周学习 2026年第48周（11月23日—11月29日）**（截止 11月27日 周五 18:00）");
    expect(all).toContain("未报 28 所（应报 28 所）");
    expect(all).not.toContain("防溺水");
    expect(await h.say("chen_xiaohong", "未报 防溺水")).toContain("防溺水提醒：现在不在季节内，无需上报。");
    for (const code of MISSING) {
      const school = h.roster.byCode(code)!;
      await h.say(school.reporters[1] ?? school.reporters[0]!, code === "XB004" ? "平安 枫林小学" : "平安");
    }
    expect(await h.say("chen_xiaohong", "未报 平安")).toContain("✅ 平安日报 11月24日（周二）：应报 27 所，已全部上报。");
  });

  it("refuses a word that is not a task", async () => {
    const reply = await h.say("wang_zhiyuan", "未报 城关一小");
    expect(reply).toContain("“城关一小”不是任务名称");
    expect(reply).toContain("> @平安助手 未报 平安");
  });
});

describe("提醒", () => {
  it("pushes one text reminder to the schools' group that @-mentions exactly the missing reporters", async () => {
    await seed();
    const reply = await h.say("wang_zhiyuan", "提醒 平安");
    expect(reply).toBe("📣 已安排提醒 平安日报 11月24日（周二） 未报的 4 所学校（全县校长群，@ 各校上报人），马上发出。发出时已上报的学校不再提醒。");
    const messages = await takeMessages(h, "全县校长群");
    expect(messages).toHaveLength(1);
    const [message] = messages;
    expect(message!.msgtype).toBe("text");
    expect([...message!.mentioned_list].sort()).toEqual(reportersOf(MISSING));
    expect(message!.mentioned_list).not.toContain("@all");
    expect(message!.content).toContain("【催报】平安日报 11月24日（周二）");
    expect(message!.content).toContain("截止 11月24日 周二 10:00，以下学校还没有上报：");
    expect(message!.content).toContain("【城关片区】\n· 平安县实验小学（陈静）\n【西部片区】\n· 平安县龙潭乡九年一贯制学校（宋文）\n· 平安县枫林乡中心小学（周杰）");
    expect(message!.content).toContain("请上报人在群里发送：@平安助手 平安");
    expect(message!.content).not.toContain("白沙");
    expect(h.webhook.messages.filter((m) => m.group === "局领导群")).toHaveLength(0);
  });

  it("sends once for a repeated callback of the same message", async () => {
    await seed();
    const first = await h.sim.say({ from: "wang_zhiyuan", text: "提醒 平安", msgid: "msg-remind-1" });
    const again = await h.sim.say({ from: "wang_zhiyuan", text: "提醒 平安", msgid: "msg-remind-1" });
    expect(again.markdown).toBe(first.markdown);
    expect(await takeMessages(h, "全县校长群")).toHaveLength(1);
    // A new message right after is a repeat: held back by the cooldown (remind.test.ts).
    expect(await h.say("wang_zhiyuan", "提醒 平安")).toContain("已提醒过全县校长群");
    expect(await takeMessages(h, "全县校长群")).toHaveLength(0);
  });

  it("sends nothing when no school is missing", async () => {
    await reportAll(h, "2026-11-24T08:30:00+08:00");
    h.clock.set(new Date(TUESDAY_0930));
    expect(await h.say("liu_xin", "催报 平安")).toBe("✅ 平安日报 11月24日（周二） 没有未报的学校，无需提醒。");
    expect(await takeMessages(h, "全县校长群")).toHaveLength(0);
  });

  it("reminds a named task that is not due today, and names the study command", async () => {
    await seed();
    const reply = await h.say("wang_zhiyuan", "提醒 学习");
    expect(reply).toContain("已安排提醒 周学习 2026年第48周（11月23日—11月29日） 未报的 28 所学校");
    const messages = await takeMessages(h, "全县校长群");
    expect(messages).toHaveLength(1);
    const study = messages.find((m) => m.content.includes("周学习"))!;
    expect(study.content).toContain("请上报人在群里发送：@平安助手 学习 实到/应到");
    expect(new Set(study.mentioned_list)).toEqual(new Set(h.roster.schools.flatMap((s) => s.reporters)));
  });
});
