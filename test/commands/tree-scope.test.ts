import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startHarness, type Harness } from "../support/harness.js";
import { inScope, writeTreeDeployment, type TreeDeployment, type TreeLeader, type TreeSchool } from "../support/tree-deployment.js";
import { sayAt, takeMessages } from "./leader-seed.js";
import { createExemptionStore } from "../../src/store/exemptions.js";
import { createKeys } from "../../src/store/keys.js";

/** 2026-11-24 is a Tuesday in the autumn term (safety deadline 10:00). */
const TUESDAY_1035 = "2026-11-24T10:35:00+08:00";

let tree: TreeDeployment;
let h: Harness;
beforeAll(async () => {
  tree = writeTreeDeployment();
  h = await startHarness({ now: TUESDAY_1035, config: tree.path, webhookKeys: tree.webhookKeys });
  // Every other school reports; 第01号学校 (平安县) reports an incident.
  h.clock.set(new Date("2026-11-24T08:30:00+08:00"));
  for (const school of tree.schools.filter((_, i) => i % 2 === 1)) expect(await h.say(school.reporter, "平安")).toContain("已登记");
  await h.drainPushes();
  h.webhook.messages.length = 0;
});
afterAll(async () => {
  await h?.close();
  tree?.remove();
});

const leader = (userid: string) => tree.leaders.find((l) => l.userid === userid)!;
const outside = (l: TreeLeader) => tree.schools.filter((s) => !inScope(l, s));

/** The schools of `among` a text names (by name or code), but the one the leader typed himself. */
const named = (text: string, among: readonly TreeSchool[], typed?: TreeSchool) =>
  among.filter((s) => s !== typed && (text.includes(s.name) || text.includes(s.code))).map((s) => s.name);

/** A board link's page, fetched from the service (the link names the public URL). */
async function fetchBoard(reply: string): Promise<string> {
  const link = /\((https?:\/\/[^)\s]+\/board\?[^)\s]+)\)/.exec(reply)?.[1];
  if (!link) throw new Error(`no board link in ${reply}`);
  const url = new URL(link);
  const response = await fetch(`${h.url}${url.pathname}${url.search}`);
  expect(response.status).toBe(200);
  return response.text();
}

describe("a province's deployment: every leader sees his node and nothing outside it", () => {
  it("names a 片区 by its path below the asker's node in 未报, and takes that path, or a name unique in his part, to list one", async () => {
    h.clock.set(new Date(TUESDAY_1035));
    // Missing: the even-numbered reporters' schools, 第01号 of 平安县's 城关片区 and 第05号 of 城东区's.
    const city = await h.say("lead_city1", "未报 平安");
    expect(city).toContain("**平安县/城关片区**（1 所）\n第01号学校");
    expect(city).toContain("**城东区/城关片区**（1 所）\n第05号学校");
    expect(await h.say("lead_province", "未报 平安")).toContain("**安宁市/南山县/城关片区**（1 所）\n第13号学校");
    const county = await h.say("lead_county1", "未报 平安");
    expect(county).toContain("**城关片区**（1 所）\n第01号学校");
    expect(county).not.toContain("平安县/");

    const one = await h.say("lead_city1", "未报 平安 平安县/城关片区");
    expect(one).toContain("平安县/城关片区未报 1 所（应报 2 所）");
    expect(named(one, tree.schools)).toEqual(["第01号学校"]);
    expect(await h.say("lead_city1", "未报 平安 城东区 城关片区")).toContain("城东区/城关片区未报 1 所（应报 2 所）");
    // Unique in his part: 东部片区 is 平安县's alone.
    expect(await h.say("lead_city1", "未报 平安 东部片区")).toContain("平安县/东部片区未报 1 所（应报 2 所）");
    // To a county's leader, his county's 城关片区 is the one.
    expect(await h.say("lead_county2", "未报 平安 城关片区")).toContain("城关片区未报 1 所（应报 2 所）");
    const ambiguous = await h.say("lead_city1", "未报 平安 城关片区");
    expect(ambiguous).toContain("“城关片区”对应多个片区：平安县/城关片区、城东区/城关片区。");
    expect(named(ambiguous, tree.schools)).toEqual([]);
    // A 片区 outside his node is none of his.
    expect(await h.say("lead_city1", "未报 平安 安宁县/城关片区")).toContain("“安宁县/城关片区”不在您负责的范围（平安市）内");
    // A county below his node lists that county's schools, each 片区 by its path below the city.
    const ofCounty = await h.say("lead_city1", "未报 平安 平安县");
    expect(ofCounty).toContain("平安县未报 2 所（应报 4 所）");
    expect(ofCounty).toContain("**平安县/城关片区**（1 所）\n第01号学校");
    expect(named(ofCounty, tree.schools)).toEqual(["第01号学校", "第03号学校"]);
    // His own county named is all he sees; the province's one province to its leader likewise.
    expect(await h.say("lead_county1", "未报 平安 平安县")).toBe(await h.say("lead_county1", "未报 平安"));
    expect(await h.say("lead_province", "未报 平安 平安省")).toBe(await h.say("lead_province", "未报 平安"));
  });

  it("gives each 片区 a card of its own on a city's board, named by its path below the city", async () => {
    h.clock.set(new Date(TUESDAY_1035));
    const page = await fetchBoard(await h.say("lead_city1", "看板"));
    const cards = [...page.matchAll(/<section class="card area[^"]*" data-area="([^"]*)">\s*<div class="area-head"><h3>([^<]*)<\/h3>([\s\S]*?)<\/section>/g)];
    const byLabel = new Map<string, Set<string>>();
    for (const [, , label, body] of cards) {
      const codes = byLabel.get(label!) ?? new Set<string>();
      for (const [, code] of body!.matchAll(/data-code="([^"]+)"/g)) codes.add(code!);
      byLabel.set(label!, codes);
    }
    expect([...byLabel.keys()]).toEqual(["平安县/城关片区", "平安县/东部片区", "城东区/城关片区", "城东区/江南片区"]);
    expect([...byLabel.get("平安县/城关片区")!]).toEqual(["T01", "T02"]);
    expect([...byLabel.get("城东区/城关片区")!]).toEqual(["T05", "T06"]);
  });

  it("answers 200 queries from leaders at every level naming no school outside the asker's node", async () => {
    h.clock.set(new Date(TUESDAY_1035));
    const asks = (school: TreeSchool) => [`历史 ${school.name}`, `代报 ${school.name} 平安`, `未报 平安`, "汇总", "汇总 本周", "未报", "看板"];
    let leaks = 0;
    for (let i = 0; i < 200; i += 1) {
      const l = tree.leaders[i % tree.leaders.length]!;
      const school = tree.schools[(i * 7 + 3) % tree.schools.length]!;
      const words = asks(school)[i % 7]!;
      const typed = words.includes(school.name) ? school : undefined;
      const reply = await h.say(l.userid, words);
      const text = words === "看板" ? await fetchBoard(reply) : reply;
      const seen = named(text, outside(l), typed);
      if (seen.length > 0) leaks += 1;
      expect(seen, `${l.userid} ${words}`).toEqual([]);
      // A school outside his node is not his to read or to report for.
      if (typed && !inScope(l, typed)) expect(reply, `${l.userid} ${words}`).toContain(`“${typed.name}”不在您负责的范围（${l.node.split("/").pop()}）内`);
    }
    expect(leaks).toBe(0);
  });

  it("shows a city its counties as rows, the province its cities, a county its 片区 and schools", async () => {
    h.clock.set(new Date(TUESDAY_1035));
    const city = await h.say("lead_city1", "汇总");
    expect(city).toContain("各地上报");
    expect(city).toMatch(/平安县：已报 \d+\/4 所/);
    expect(city).toMatch(/城东区：已报 \d+\/4 所/);
    expect(city).not.toContain("安宁县");
    // 防溺水 is out of season in November: its line says so, with no row of nothing per county.
    expect(city).toContain("防溺水提醒**：不在季节内");
    expect(city).not.toContain("0/0");
    const province = await h.say("lead_province", "汇总");
    expect(province).toMatch(/平安市：已报 \d+\/8 所/);
    expect(province).toMatch(/安宁市：已报 \d+\/8 所/);
    const county = await h.say("lead_county1", "汇总");
    expect(county).toContain("应报 4 所");
    expect(county).not.toContain("各地上报");
    // Its two 片区, each missing one school: 城关片区 is this county's, not the three others'.
    expect(county).toContain("城关片区：第01号学校");
    expect(county).toContain("东部片区：第03号学校");
  });

  it("alerts only the leaders groups whose node holds the school", async () => {
    await h.drainPushes();
    h.webhook.messages.length = 0;
    const school = tree.schools[0]!;
    expect(await sayAt(h, "2026-11-24T10:40:00+08:00", school.reporter, "异常 校门口积水，已安排疏导")).toContain("已登记");
    await h.drainPushes();
    const alerted = [...new Set(h.webhook.messages.filter((m) => m.content.includes("校门口积水")).map((m) => m.group))].sort();
    const holding = tree.leaders.filter((l) => inScope(l, school)).map((l) => l.groupName).sort();
    expect(alerted).toEqual(holding);
    expect(holding).toHaveLength(3);
    // Each names the 片区 by its path below its own node.
    const titleOf = (group: string) => h.webhook.messages.find((m) => m.group === group && m.content.includes("校门口积水"))!.content;
    expect(titleOf("省领导群")).toContain("异常报告：第01号学校**（平安市/平安县/城关片区）");
    expect(titleOf("平安市领导群")).toContain("异常报告：第01号学校**（平安县/城关片区）");
    expect(titleOf("平安县领导群")).toContain("异常报告：第01号学校**（城关片区）");
    h.webhook.messages.length = 0;
    // Each leader above the school reads it in his 汇总, first of the deployment's or not, its 片区 named as his alert names it.
    const pathBelow: Record<string, string> = { 省领导群: "平安市/平安县/城关片区", 平安市领导群: "平安县/城关片区", 平安县领导群: "城关片区" };
    for (const l of tree.leaders.filter((x) => inScope(x, school))) {
      expect(await h.say(l.userid, "汇总"), l.userid).toContain(`⚠️ **异常 1 条：**\n> **第01号学校**（${pathBelow[l.groupName]}）`);
    }
  });

  it("narrows 汇总 to a county or 片区 of the asker's node, named in its title, and refuses one outside it", async () => {
    const county = await h.say("lead_city1", "汇总 平安县");
    expect(county).toContain("**📋 上报汇总 · 平安县 · 11月24日（周二）**");
    expect(county).toContain("应报 4 所");
    expect(county).not.toContain("各地上报");
    expect(named(county, tree.schools.filter((s) => s.path[2] !== "平安县"))).toEqual([]);
    const area = await h.say("lead_city1", "汇总 昨天 城东区/城关片区");
    expect(area).toContain("**📋 上报汇总 · 城东区/城关片区 · 昨天 11月23日（周一）**");
    expect(area).toContain("应报 2 所");
    expect(area).toContain("城关片区：第05号学校、第06号学校");
    expect(named(area, tree.schools)).toEqual(["第05号学校", "第06号学校"]);
    // A county's leader naming his own county reads his whole 汇总; the province's leader a city its counties as rows.
    expect(await h.say("lead_county1", "汇总 平安县")).toBe(await h.say("lead_county1", "汇总"));
    expect(await h.say("lead_province", "汇总 安宁市")).toMatch(/各地上报[\s\S]*安宁县：已报 \d+\/4 所[\s\S]*南山县：已报 \d+\/4 所/);
    expect(await h.say("lead_city1", "汇总 安宁县")).toContain("“安宁县”不在您负责的范围（平安市）内");
  });

  it("names a school's 片区 by its path below a city leader's node in 汇总's abnormal list and in 历史's heading", async () => {
    const summary = await h.say("lead_city1", "汇总");
    expect(summary).toContain("> **第01号学校**（平安县/城关片区）");
    expect(summary).not.toContain("（城关片区）");
    const history = await h.say("lead_city1", "历史 第01号学校");
    expect(history).toContain("**第01号学校**（平安县/城关片区）最近的上报和变更");
    // His county's leader reads the same school under its bare 片区.
    expect(await h.say("lead_county1", "历史 第01号学校")).toContain("**第01号学校**（城关片区）最近的上报和变更");
  });

  it("reminds each county's schools group of its own missing schools only, and a county leader's 提醒 reaches his county only", async () => {
    await h.fire("slots", new Date("2026-11-25T09:00:00+08:00"));
    await h.drainPushes();
    for (const [county, group] of tree.schoolGroups) {
      const messages = h.webhook.messages.filter((m) => m.group === group);
      expect(messages.length, group).toBeGreaterThan(0);
      const text = messages.map((m) => m.content).join("\n");
      const others = tree.schools.filter((s) => s.path[2] !== county);
      expect(named(text, others), group).toEqual([]);
    }
    h.webhook.messages.length = 0;
    const county = leader("lead_county3");
    await sayAt(h, "2026-11-25T09:30:00+08:00", county.userid, "提醒 平安");
    await h.drainPushes();
    const groups = [...new Set(h.webhook.messages.map((m) => m.group))];
    expect(groups).toEqual([tree.schoolGroups.get("安宁县")]);
    expect(named(h.webhook.messages.map((m) => m.content).join("\n"), outside(county))).toEqual([]);
  });

  it("sends every leaders group its node's weekly roll-up: the province its cities as rows, a city its counties, a county its 片区 and schools", async () => {
    h.webhook.messages.length = 0;
    await h.fire("weekly", new Date("2026-11-27T19:00:00+08:00"));
    const rollupOf = async (group: string) => (await takeMessages(h, group)).map((m) => m.content).join("\n");
    const province = await rollupOf("省领导群");
    expect(province).toContain("**全省情况**");
    expect(province).toMatch(/^平安市：已报 \d+\/\d+ 校次/m);
    expect(province).toMatch(/^安宁市：已报 \d+\/\d+ 校次/m);
    // Rows, no school's week: each county's schools are in its own roll-up.
    expect(province).not.toContain("各校明细");
    expect(province).not.toContain("本周缺报");
    const city = await rollupOf("安宁市领导群");
    expect(city).toContain("**全市情况**");
    expect(city).toMatch(/^安宁县：已报 \d+\/\d+ 校次/m);
    expect(city).toMatch(/^南山县：已报 \d+\/\d+ 校次/m);
    expect(city).not.toContain("平安县");
    for (const l of tree.leaders.filter((x) => x.scope.length === 3)) {
      const county = await rollupOf(l.groupName);
      expect(county, l.groupName).toContain("**全县情况**");
      // Its own 城关片区, named bare, and every school of its own, none of another county.
      expect(county, l.groupName).toMatch(/^城关片区：$/m);
      expect(named(county, outside(l)), l.groupName).toEqual([]);
      expect(named(county, tree.schools.filter((s) => inScope(l, s))), l.groupName).toHaveLength(4);
    }
    // Sent once per week to each group: a second run sends nothing new.
    h.webhook.messages.length = 0;
    await h.fire("weekly", new Date("2026-11-27T19:05:00+08:00"));
    await h.drainPushes();
    expect(h.webhook.messages).toEqual([]);
  });

  it("sends every leaders group its node's tally: the province its cities, a city its counties side by side, a county its own", async () => {
    h.webhook.messages.length = 0;
    await h.fire("slots", new Date("2026-11-25T10:30:00+08:00"));
    const tallyOf = async (group: string) => (await takeMessages(h, group)).filter((m) => m.content.includes("平安日报统计")).map((m) => m.content).join("\n");
    const province = await tallyOf("省领导群");
    expect(province).toMatch(/平安市：已报 \d+\/8 所/);
    expect(province).toMatch(/安宁市：已报 \d+\/8 所/);
    const city = await tallyOf("安宁市领导群");
    expect(city).toMatch(/安宁县：已报 \d+\/4 所/);
    expect(city).toMatch(/南山县：已报 \d+\/4 所/);
    expect(city).not.toContain("平安县");
    for (const l of tree.leaders.filter((x) => x.scope.length === 3)) {
      const county = await tallyOf(l.groupName);
      expect(county, l.groupName).toContain("应报 4 所");
      expect(county, l.groupName).not.toContain("各地上报");
      expect(named(county, outside(l)), l.groupName).toEqual([]);
    }
  });

  it("sends the 补报 note to the leaders groups above a late school only, naming its 片区 below each group's node", async () => {
    // The tally of 11-25 was posted at 10:30 (the test before); 第14号学校 of 南山县 reports after it.
    const late = tree.schools.find((s) => s.code === "T14")!;
    expect(await sayAt(h, "2026-11-25T11:00:00+08:00", late.reporter, "平安")).toContain("已登记");
    await h.drainPushes();
    h.webhook.messages.length = 0;
    await h.fire("late-note", new Date("2026-11-25T17:00:00+08:00"));
    await h.drainPushes();
    const notes = h.webhook.messages.filter((m) => m.content.includes("补报通知"));
    const noted = new Map(notes.map((m) => [m.group, m.content]));
    const above = tree.leaders.filter((l) => inScope(l, late)).map((l) => l.groupName);
    expect([...noted.keys()].sort()).toEqual([...above].sort());
    expect(noted.get("省领导群")).toContain("第14号学校（安宁市/南山县/城关片区）");
    expect(noted.get("安宁市领导群")).toContain("第14号学校（南山县/城关片区）");
    expect(noted.get("南山县领导群")).toContain("第14号学校（城关片区）");
  });

  it("exempts (免报) the schools of a 片区 of the asker's node by its path, or of his whole node, and lifts them alike", async () => {
    const exemptions = createExemptionStore({ redis: h.client, keys: createKeys() });
    const exempt = async () => [...(await exemptions.list("safety", "2026-11-27")).keys()].sort();
    const area = tree.schools.filter((s) => s.path.slice(-2).join("/") === "平安县/城关片区");
    expect(area.length).toBeGreaterThan(0);
    const city = await sayAt(h, "2026-11-24T10:40:00+08:00", "lead_city1", "免报 平安县/城关片区 平安 11-27 暴雪");
    expect(city).toContain(`✅ 已登记免报：**平安县/城关片区** ${area.length} 所学校 平安日报`);
    expect(await exempt()).toEqual(area.map((s) => s.code).sort());
    expect(await sayAt(h, "2026-11-24T10:41:00+08:00", "lead_city1", "免报 撤销 平安县/城关片区 平安 11-27")).toContain(`✅ 已撤销 **平安县/城关片区** ${area.length} 所学校`);
    expect(await exempt()).toEqual([]);
    const county = tree.schools.filter((s) => inScope(leader("lead_county1"), s));
    const whole = await sayAt(h, "2026-11-24T10:42:00+08:00", "lead_county1", "免报 平安县 平安 11-27 暴雪");
    expect(whole).toContain(`✅ 已登记免报：**平安县** ${county.length} 所学校 平安日报`);
    expect(await exempt()).toEqual(county.map((s) => s.code).sort());
    await sayAt(h, "2026-11-24T10:43:00+08:00", "lead_county1", "免报 撤销 平安县 平安 11-27");
    expect(await exempt()).toEqual([]);
  });

  it("refuses a school, 片区, county or incident outside the asker's node as not his, telling nothing of it and changing nothing", async () => {
    const other = tree.schools.find((s) => s.code === "T09")!;
    expect(await sayAt(h, "2026-11-26T08:30:00+08:00", other.reporter, "异常 食堂有人腹泻")).toContain("已登记");
    await h.drainPushes();
    const number = /事件 \*\*#(\d+)\*\*/.exec((await takeMessages(h, "安宁县领导群")).map((m) => m.content).join("\n"))?.[1];
    expect(number).toBeDefined();
    h.webhook.messages.length = 0;
    // The record of each message's reply (a repeat gets the same) is no change of the data.
    const records = async () => (await h.dataKeys()).filter((key) => !/\{msg:[0-9a-f]+\}:reply$/.test(key)).sort();
    const keys = await records();
    const before = await h.say("lead_province", `历史 ${other.code}`);
    const asks: [string, string, string][] = [
      ["lead_county1", `历史 ${other.name}`, `“${other.name}”`],
      ["lead_county1", `历史 ${other.code}`, `“${other.code}”`],
      ["lead_county1", `免报 ${other.name} 平安 11-27`, `“${other.name}”`],
      ["lead_county1", `免报 撤销 ${other.code} 平安 11-27`, `“${other.code}”`],
      ["lead_county1", "免报 西部片区 平安 11-27 暴雪", `“西部片区”`],
      ["lead_county1", "免报 安宁县 平安 11-27 暴雪", `“安宁县”`],
      ["lead_county1", `代报 ${other.code} 平安`, `“${other.code}”`],
      ["lead_county2", `代报 ${other.name} 异常 有人摔倒`, `“${other.name}”`],
      ["lead_county1", `收到 ${other.name}`, `“${other.name}”`],
      ["lead_county1", `收到 #${number}`, `事件 #${number} `],
      ["lead_city1", `结案 #${number} 已处理`, `事件 #${number} `],
      ["lead_county1", "未报 平安 西部片区", `“西部片区”`],
      ["lead_county1", "未报 安宁县", `“安宁县”`],
      ["lead_county1", "未报 安宁市/安宁县/城关片区", `“安宁市/安宁县/城关片区”`],
      ["lead_county2", "未报 平安市", `“平安市”`],
      ["lead_city1", "提醒 平安 安宁县", `“安宁县”`],
      ["lead_county1", "汇总 本周 安宁县", `“安宁县”`],
    ];
    for (const [userid, words, typed] of asks) {
      const l = leader(userid);
      const reply = await h.say(userid, words);
      expect(reply, `${userid} ${words}`).toContain(`${typed}不在您负责的范围（${l.node.split("/").pop()}）内，不能查看或操作。`);
      expect(named(reply, outside(l), other), `${userid} ${words}`).toEqual([]);
      expect(reply, `${userid} ${words}`).not.toContain("城关片区）");
    }
    await h.drainPushes();
    expect(h.webhook.messages).toEqual([]);
    expect(await records()).toEqual(keys);
    expect(await h.say("lead_province", `历史 ${other.code}`)).toBe(before);
  });
});
