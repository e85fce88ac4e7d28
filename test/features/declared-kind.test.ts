import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startHarness, type Harness } from "../support/harness.js";
import { sayAt, takeMessages, takeText } from "../commands/leader-seed.js";
import { buildLedger } from "../../src/features/ledger/build-ledger.js";
import { listTaskColumns } from "../../src/features/ledger/ledger-columns.js";

/**
 * A kind that no code names: 晨午检 as the example config declares it (counts with a total from the
 * roster, named symptom counts, a rule), switched on, driven through the service end to end.
 * Tuesday 2026-11-24, a school day: deadline 10:00, reminder 09:30, tally 10:30.
 */
describe("a kind declared in the config (晨午检)", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ now: "2026-11-24T08:00:00+08:00", variant: { edits: [["    name: 晨午检\n    enabled: false\n", "    name: 晨午检\n"]] } });
  });
  afterAll(() => h.close());

  it("records a report, echoes what it recorded and alerts the leaders by its rule", async () => {
    const reply = await sayAt(h, "2026-11-24T08:30:00+08:00", "zhang_wei", "晨检 实到2120 因病缺勤4 发热3 咳嗽1");
    expect(reply).toContain("已登记：**平安县城关第一小学** 11月24日（周二） 晨午检");
    expect(reply).toContain("> 实到 2120 / 应到 2136，因病缺勤 4，症状：发热 3、咳嗽 1");
    const alerts = await takeMessages(h, "局领导群");
    expect(alerts).toHaveLength(1);
    expect(alerts[0]!.content).toContain("晨午检：同一症状3例及以上");
    expect(alerts[0]!.content).toContain("发热 3");
  });

  it("takes a correction, a report entered for a school (代报), and shows both in 状态", async () => {
    const corrected = await sayAt(h, "2026-11-24T08:40:00+08:00", "zhang_wei", "晨检 应到2136 实到2130");
    expect(corrected).toContain("> 实到 2130 / 应到 2136");
    expect(corrected).toContain("已替换");
    const forSchool = await sayAt(h, "2026-11-24T08:45:00+08:00", "chen_xiaohong", "代报 城关二小 晨检 实到1680");
    expect(forSchool).toContain("已登记：**平安县城关第二小学**");
    expect(forSchool).toContain("实到 1680 / 应到 1684");
    const status = await sayAt(h, "2026-11-24T08:50:00+08:00", "zhang_wei", "状态");
    expect(status).toContain("- 晨午检（11月24日（周二））：已报");
    expect(status).toContain("实到 2130 / 应到 2136");
  });

  it("refuses a report that lacks its required figure, saying what to write, and records nothing", async () => {
    const reply = await sayAt(h, "2026-11-24T08:55:00+08:00", "wang_fang", "晨检 发热1");
    expect(reply).toContain("请写明实到");
    // A month.day after a figure's name (发热 2.3) is that figure, never a date to make up.
    expect(await sayAt(h, "2026-11-24T08:56:00+08:00", "wang_fang", "晨检 实到1680 发热 2.3")).toContain("发热要写整数（“2.3”）");
    expect(await h.store.get("checkup", "2026-11-24", "CG002")).toMatchObject({ value: { present: 1680 } });
  });

  it("reminds the missing schools with its own command, then tallies, and 汇总 and 未报 count it", async () => {
    await takeMessages(h, "局领导群");
    await h.fire("slots", "2026-11-24T09:30:00+08:00");
    const reminders = (await takeMessages(h, "全县校长群")).filter((m) => m.content.includes("晨午检"));
    expect(reminders.length).toBeGreaterThan(0);
    const reminder = reminders.map((m) => m.content).join("\n");
    expect(reminder).toContain("【催报】晨午检 11月24日（周二）");
    expect(reminder).toContain("请上报人在群里发送：@平安助手 晨午检");
    expect(reminder).toContain("例如：@平安助手 晨检 应到1200 实到1185 因病缺勤6 发热2 咳嗽3");
    expect(reminder).not.toContain("平安县城关第一小学");
    expect(reminder).toContain("平安县城关第三小学（刘洋）");

    await h.fire("slots", "2026-11-24T10:30:00+08:00");
    const pushed = await takeMessages(h, "局领导群");
    const tally = pushed.map((m) => m.content).join("\n");
    expect(tally).toContain("晨午检");
    // Its tally carries the week's chart, as every daily kind's does.
    const text = pushed.findIndex((m) => m.msgtype === "markdown" && m.content?.includes("晨午检统计"));
    expect(text).toBeGreaterThanOrEqual(0);
    expect(pushed[text + 1]?.msgtype).toBe("image");

    await sayAt(h, "2026-11-24T10:32:00+08:00", "hu_bin", "晨检 实到840 因病缺勤2 发热1 腹泻1");
    const summary = await sayAt(h, "2026-11-24T10:35:00+08:00", "wang_zhiyuan", "汇总");
    expect(summary).toContain("**晨午检**");
    expect(summary).toContain("已报 3 所");
    // Its count fields summed, in all and by area: 城关一小's correction took its 发热3 咳嗽1 back out.
    expect(summary).toContain("合计：实到 4650/4666（99.7%） · 因病缺勤 2 · 症状 发热 1、腹泻 1");
    expect(summary).toContain("**分片区合计：**\n城关片区：实到 3810/3820（99.7%） · 因病缺勤 0\n东部片区：实到 840/846（99.3%） · 因病缺勤 2 · 症状 发热 1、腹泻 1");
    const missing = await sayAt(h, "2026-11-24T10:36:00+08:00", "wang_zhiyuan", "未报 晨午检");
    expect(missing).toContain("城关三小");
    expect(missing).not.toContain("城关一小");
  });

  it("writes its sheet of the ledger with a column per field", async () => {
    const { roster, store, exemptions, calendar } = h.jobDeps;
    const ledger = await buildLedger({ roster, people: h.config, kinds: h.config, store, exemptions, calendar, from: "2026-11-24", to: "2026-11-24", timeZone: "Asia/Shanghai", now: new Date("2026-11-24T12:00:00+08:00") });
    const sheet = ledger.tasks.find((t) => t.task === "checkup")!;
    const columns = listTaskColumns(sheet);
    expect(columns.map((c) => c.header)).toEqual(expect.arrayContaining(["应到", "实到", "因病缺勤", "症状"]));
    const row = sheet.rows.find((r) => r.schoolCode === "CG001")!;
    const cell = (header: string) => columns.find((c) => c.header === header)!.value(row);
    expect([cell("应到"), cell("实到"), cell("因病缺勤"), cell("症状")]).toEqual([2136, 2130, undefined, undefined]);
    expect(sheet.total).toMatchObject({ expected: 28, reported: 3 });
  });

  it("withdraws a report (撤销) like any other", async () => {
    const reply = await sayAt(h, "2026-11-24T10:40:00+08:00", "zhang_wei", "撤销 晨检");
    expect(reply).toContain("已撤销 **平安县城关第一小学** 11月24日（周二） 晨午检 的上报");
    expect(reply).toContain("实到 2130 / 应到 2136");
    expect(await h.store.get("checkup", "2026-11-24", "CG001")).toBeUndefined();
  });

  it("exempts a school from it (免报): not reminded, counted apart in 汇总, shown in 历史", async () => {
    const exempt = await sayAt(h, "2026-11-25T08:00:00+08:00", "liu_xin", "免报 实验小学 晨检 今天 体检");
    expect(exempt).toContain("已登记免报：**平安县实验小学** 晨午检，共 1 期：11月25日（周三）");
    await takeMessages(h, "全县校长群");
    await h.fire("slots", "2026-11-25T09:30:00+08:00");
    const reminder = await takeText(h, "全县校长群");
    expect(reminder).toContain("【催报】晨午检 11月25日（周三）");
    expect(reminder).toContain("平安县城关第三小学（刘洋）");
    expect(reminder).not.toContain("平安县实验小学");
    const summary = await sayAt(h, "2026-11-25T09:40:00+08:00", "wang_zhiyuan", "汇总");
    expect(summary.slice(summary.indexOf("**晨午检**"))).toContain("免报 1 所");
    expect(await sayAt(h, "2026-11-25T09:41:00+08:00", "wang_zhiyuan", "历史 实验小学 晨检")).toContain("刘鑫 免报 晨午检 11月25日（1 期），原因：体检");
  });
});

/**
 * 安全工作例会 declared monthly (the "weekly (or monthly)"): due on the 25th at 17:00, reminded
 * at 15:00 and tallied at 17:30. Wednesday 2026-11-25, a school day.
 */
describe("a kind declared monthly (安全工作例会 by the month)", () => {
  let h: Harness;
  beforeAll(async () => {
    const monthly = [
      '    name: 安全工作例会\n    enabled: false\n    period: week\n    days: school\n    deadline: "fri 17:00"\n    reminders: ["fri 15:00"]\n    tally: "fri 17:30"\n',
      '    name: 安全工作例会\n    period: month\n    days: school\n    deadline: "25 17:00"\n    reminders: ["25 15:00"]\n    tally: "25 17:30"\n',
    ] as const;
    h = await startHarness({ now: "2026-11-25T08:00:00+08:00", variant: { edits: [monthly] } });
  });
  afterAll(() => h.close());

  it("records for the month, reminds and tallies on its day, and notes a report after the tally", async () => {
    const reply = await sayAt(h, "2026-11-25T09:00:00+08:00", "zhang_wei", "例会 已召开 11月20日 主题:冬季防火 参会35人");
    expect(reply).toContain("已登记：**平安县城关第一小学** 2026年11月 安全工作例会");
    expect((await h.store.get("meeting", "2026-11", "CG001"))?.value).toMatchObject({ held: true, date: "2026-11-20", attendees: 35 });

    await h.fire("slots", "2026-11-25T15:00:00+08:00");
    const reminder = await takeText(h, "全县校长群");
    expect(reminder).toContain("【催报】安全工作例会 2026年11月");
    expect(reminder).not.toContain("平安县城关第一小学");

    await h.fire("slots", "2026-11-25T17:30:00+08:00");
    const tally = await takeText(h, "局领导群");
    expect(tally).toContain("安全工作例会");
    expect(tally).toContain("2026年11月");

    const late = await sayAt(h, "2026-11-25T18:00:00+08:00", "wang_fang", "例会 未召开");
    expect(late).toContain("2026年11月 安全工作例会");
    expect(late).toContain("迟报");
    await takeMessages(h, "局领导群");
    await h.fire("late-note", "2026-11-26T17:00:00+08:00");
    const note = await takeText(h, "局领导群");
    expect(note).toContain("安全工作例会 2026年11月");
    expect(note).toContain("城关二小（城关片区）安全工作例会 2026年11月：11月25日 18:00 补报（迟报）");
  });

  it("shows the month in 历史 and gives it a row per school in the ledger", async () => {
    const history = await sayAt(h, "2026-11-26T17:10:00+08:00", "wang_zhiyuan", "历史 城关一小");
    expect(history).toContain("安全工作例会");
    expect(history).toContain("2026年11月");
    const { roster, store, exemptions, calendar } = h.jobDeps;
    const ledger = await buildLedger({ roster, people: h.config, kinds: h.config, store, exemptions, calendar, from: "2026-11-01", to: "2026-11-30", timeZone: "Asia/Shanghai", now: new Date("2026-11-26T18:00:00+08:00") });
    const sheet = ledger.tasks.find((t) => t.task === "meeting")!;
    const rows = sheet.rows.filter((r) => r.schoolCode === "CG001");
    expect(rows.map((r) => [r.periodId, r.start, r.end])).toEqual([["2026-11", "2026-11-01", "2026-11-30"]]);
    expect(listTaskColumns(sheet).map((c) => c.header)).toEqual(expect.arrayContaining(["召开", "日期", "主题", "参会"]));
  });
});

/**
 * 补报 of a kind with a date field (安全工作例会, weekly, its 日期 a field): in a message that says
 * 补报 a date names the week made up and the meeting's own date needs its label; without 补报 a
 * date is the meeting's, as always; two dates without a label are refused, recording nothing.
 * Monday 2026-11-30: last week (W48, 11-23 … 11-29) is within the 3 days a 补报 reaches.
 */
describe("补报 of a kind with a date field (安全工作例会)", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ now: "2026-11-30T08:00:00+08:00", variant: { edits: [["    name: 安全工作例会\n    enabled: false\n", "    name: 安全工作例会\n"]] } });
  });
  afterAll(async () => {
    await h.close();
  });

  it("takes the date after 补报 as the week made up, and the meeting's date only with its label", async () => {
    const made = await sayAt(h, "2026-11-30T09:00:00+08:00", "zhang_wei", "补报 例会 11月27日 已召开 日期 11月26日 主题:冬季防火");
    expect(made).toContain("的补报");
    expect(await h.store.get("meeting", "2026-W49", "CG001")).toBeUndefined();
    expect((await h.store.get("meeting", "2026-W48", "CG001"))?.value).toMatchObject({ held: true, date: "2026-11-26", topic: "冬季防火" });
    // The week named, no date of the meeting given: the week is made up, the field left empty.
    await sayAt(h, "2026-11-30T09:05:00+08:00", "wang_fang", "补报 例会 11月27日 已召开");
    const second = (await h.store.get("meeting", "2026-W48", "CG002"))?.value;
    expect(second).toMatchObject({ held: true });
    expect(second).not.toHaveProperty("date");
  });

  it("reads 补报 after the keyword as well, and tells no word of it back as unrecorded", async () => {
    const made = await sayAt(h, "2026-11-30T09:20:00+08:00", "chen_jing", "例会 补报 11月27日 已召开 参会20人");
    expect(made).toContain("的补报");
    expect(made).not.toContain("没有登记");
  });

  it("reads a date without 补报 as the meeting's, in this week", async () => {
    await sayAt(h, "2026-11-30T09:10:00+08:00", "zhang_wei", "例会 已召开 11月27日");
    expect((await h.store.get("meeting", "2026-W49", "CG001"))?.value).toMatchObject({ held: true, date: "2026-11-27" });
  });

  it("shows a meeting's date of another year with its year, in the reply and in 状态", async () => {
    const reply = await sayAt(h, "2026-11-30T09:12:00+08:00", "wang_fang", "例会 已召开 日期 2025-01-01");
    expect(reply).toContain("日期：2025年1月1日（周三）");
    expect(await sayAt(h, "2026-11-30T09:13:00+08:00", "wang_fang", "状态")).toContain("日期：2025年1月1日（周三）");
    expect(await sayAt(h, "2026-11-30T09:14:00+08:00", "wang_fang", "例会 已召开 日期 11月26日")).toContain("日期：11月26日（周四）");
  });

  it("refuses a meeting's date still to come (its field takes days come only), recording nothing, and shows its example dated the day it is read", async () => {
    const refused = await sayAt(h, "2026-11-30T09:30:00+08:00", "hu_bin", "例会 已召开 12月1日 主题:冬季防火");
    expect(refused).toContain("日期“12月1日”是12月1日（周二），还没到，本条没有登记。日期请写今天或以前的日期。");
    // The examples under the refusal, and in 帮助, carry today's date, which the field takes.
    expect(refused).toContain("例会 已召开 11月30日 主题:冬季防火 参会35人");
    expect(await h.store.get("meeting", "2026-W49", "DB001")).toBeUndefined();
    const help = await sayAt(h, "2026-11-30T09:31:00+08:00", "hu_bin", "帮助");
    expect(help).toContain("例会 已召开 11月30日 主题:冬季防火 参会35人");
    expect(help).not.toContain("12月1日");
    expect(await sayAt(h, "2026-11-30T09:31:30+08:00", "hu_bin", "例会 主题:防火")).toContain("请写明召开，例如“例会 已召开 11月30日 主题:冬季防火 参会35人”");
    expect(await sayAt(h, "2026-11-30T09:32:00+08:00", "hu_bin", "例会 已召开 11月30日 主题:冬季防火 参会35人")).toContain("已登记");
    // The Friday reminder's example is dated that Friday.
    await h.fire("slots", "2026-12-04T15:00:00+08:00");
    const reminder = await takeText(h, "全县校长群");
    expect(reminder).toContain("【催报】安全工作例会");
    expect(reminder).toContain("例会 已召开 12月4日 主题:冬季防火 参会35人");
  });

  it("refuses a 补报 with two dates and no label, saying how to write it, and records nothing", async () => {
    const before = await h.store.get("meeting", "2026-W48", "CG003");
    const refused = await sayAt(h, "2026-11-30T09:15:00+08:00", "liu_yang", "补报 例会 11月27日 已召开 11月26日");
    expect(refused).toContain("补报里有两个日期（“11月27日”和“11月26日”）");
    expect(refused).toContain("例如：补报 安全工作例会 11月27日 … 日期 11月26日");
    expect(await h.store.get("meeting", "2026-W48", "CG003")).toEqual(before);
    expect(await h.store.get("meeting", "2026-W49", "CG003")).toBeUndefined();
  });
});

/**
 * 晨午检 reported by some schools only (`schools: [城关片区, DB001]`, nine of the 28): the others owe
 * nothing, are never counted, reminded or listed, and a report from one of them is refused.
 */
describe("a kind reported by a list of schools", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ now: "2026-11-24T08:00:00+08:00", variant: { edits: [["    name: 晨午检\n    enabled: false\n", "    name: 晨午检\n    schools: [城关片区, DB001]\n"]] } });
  });
  afterAll(() => h.close());

  it("records a listed school's report and refuses another's, saying why and recording nothing", async () => {
    expect(await sayAt(h, "2026-11-24T08:30:00+08:00", "hu_bin", "晨检 实到800")).toContain("已登记：**平安县东湖镇中心小学**");
    const refused = await sayAt(h, "2026-11-24T08:31:00+08:00", "gao_feng", "晨检 实到900");
    expect(refused).toContain("不在晨午检的上报学校之列，无需上报");
    expect(await h.store.get("checkup", "2026-11-24", "DB003")).toBeUndefined();
    const status = await sayAt(h, "2026-11-24T08:32:00+08:00", "gao_feng", "状态");
    expect(status).toContain("平安日报");
    expect(status).not.toContain("晨午检");
  });

  it("exempts (免报) only the listed schools of a 片区, and tells a school not listed that it owes nothing", async () => {
    expect(await sayAt(h, "2026-11-24T08:40:00+08:00", "wang_zhiyuan", "免报 青石小学 晨检 今天 停电")).toContain("平安县青石镇中心小学 晨午检 在11月24日本来就无需上报，没有登记免报。");
    const area = await sayAt(h, "2026-11-24T08:41:00+08:00", "wang_zhiyuan", "免报 东部片区 晨检 11-25 停电");
    expect(area).toContain("✅ 已登记免报：**东部片区** 1 所学校 晨午检");
    expect(area).toContain("学校：东湖小学");
    expect(area).toContain("（东部片区另有 6 所学校不报晨午检，没有登记。）");
    expect(await sayAt(h, "2026-11-24T08:42:00+08:00", "wang_zhiyuan", "免报 撤销 东部片区 晨检 11-25")).toContain("✅ 已撤销 **东部片区** 1 所学校 晨午检 的免报");
  });

  it("reminds, tallies and lists as missing only the listed schools", async () => {
    await h.fire("slots", "2026-11-24T09:30:00+08:00");
    const reminder = (await takeMessages(h, "全县校长群")).map((m) => m.content).filter((c) => c.includes("晨午检")).join("\n");
    expect(reminder).toContain("平安县城关第一小学");
    expect(reminder).not.toContain("东湖镇中心小学");
    expect(reminder).not.toContain("青石");
    const summary = await sayAt(h, "2026-11-24T10:35:00+08:00", "wang_zhiyuan", "汇总");
    const block = summary.slice(summary.indexOf("**晨午检**"));
    expect(block).toContain("应报 9 所 · 已报 1 所");
    expect(block.split("\n\n")[0]).not.toContain("无需报");
    const missing = await sayAt(h, "2026-11-24T10:36:00+08:00", "wang_zhiyuan", "未报 晨午检");
    expect(missing).toContain("城关一小");
    expect(missing).not.toContain("青石");
    expect(missing).not.toContain("东湖");
  });

  it("shows on the 看板 only the listed schools and their areas, none of the others as 无需报", async () => {
    const reply = await sayAt(h, "2026-11-24T10:40:00+08:00", "wang_zhiyuan", "看板");
    const link = new URL(/\]\((https?:\/\/[^\s)]+)\)/.exec(reply)![1]!);
    const page = await (await fetch(`${h.url}${link.pathname}${link.search}`)).text();
    const section = (task: string) => {
      const from = page.indexOf(`task-areas" data-task="${task}"`);
      expect(from, task).toBeGreaterThan(0);
      return page.slice(from, page.indexOf("task-areas", from + 20) >>> 0);
    };
    const rows = (task: string) => [...section(task).matchAll(/<li class="school [^"]*" data-code="([^"]+)" data-state="([^"]+)"/g)].map((m) => [m[1]!, m[2]!]);
    const checkup = rows("checkup");
    expect(checkup.map(([code]) => code)).toEqual(["CG001", "CG002", "CG003", "CG004", "CG005", "CG006", "CG007", "CG008", "DB001"]);
    expect(checkup.filter(([, state]) => state === "not_required")).toEqual([]);
    expect([...section("checkup").matchAll(/<h3>([^<]+)<\/h3>/g)].map((m) => m[1])).toEqual(["城关片区", "东部片区"]);
    // Every other kind still shows every school.
    expect(rows("safety")).toHaveLength(28);
  });

  it("gives only the listed schools a row of its ledger sheet", async () => {
    const { roster, store, exemptions, calendar } = h.jobDeps;
    const ledger = await buildLedger({ roster, people: h.config, kinds: h.config, store, exemptions, calendar, from: "2026-11-24", to: "2026-11-24", timeZone: "Asia/Shanghai", now: new Date("2026-11-24T12:00:00+08:00") });
    const sheet = ledger.tasks.find((t) => t.task === "checkup")!;
    expect(sheet.rows.map((r) => r.schoolCode)).toEqual(["CG001", "CG002", "CG003", "CG004", "CG005", "CG006", "CG007", "CG008", "DB001"]);
    expect(sheet.total).toMatchObject({ expected: 9, reported: 1 });
  });
});
