import { mkdtempSync, readFileSync, rmSync, writeFileSync, copyFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { utf8Bytes } from "../../src/push/enqueue.js";
import { startHarness, type Harness } from "../support/harness.js";
import { sayAt, takeMessages } from "./leader-seed.js";

const LEADERS = "局领导群";
/** Wednesday 2026-06-10: spring term, anti-drowning in season (weekly), study weekly. */
const DAY = "2026-06-10";
const at = (time: string) => `${DAY}T${time}:00+08:00`;

/** `chars` characters of an incident's description, different for each `n`. */
function description(n: number, chars: number): string {
  const body = `第${n}起：学生课间在操场追逐时摔倒，右臂擦伤，已由校医处理并送县医院检查，家长已到场，学校已排查操场设施。`;
  return body.repeat(Math.ceil(chars / body.length)).slice(0, chars);
}

/** The school's first reporter, and the school's name when he reports for several. */
function reporterOf(h: Harness, code: string): { userid: string; named: string } {
  const school = h.roster.byCode(code)!;
  const userid = school.reporters[0]!;
  return { userid, named: h.roster.schoolsOf(userid).length > 1 ? `${school.shortName} ` : "" };
}

describe("bounded text: a long incident is refused, and 汇总, tallies and alerts keep everything", () => {
  let h: Harness;
  /** 24 schools report a 500-character incident; BB005 a short one later; CG004 and BB006 stay missing. */
  const MISSING = ["CG004", "BB006"];
  const LATE = "BB005";
  let long: string[];
  let refusal: string;
  let summary: string;
  let tally: { content: string }[];
  let alerts: { content: string }[];

  beforeAll(async () => {
    // Room for every alert at once: this test is about length, not the rate window.
    h = await startHarness({ now: at("08:00"), rate: { perWindow: 200, windowMs: 60_000 } });
    long = h.roster.schools.map((s) => s.code).filter((code) => ![...MISSING, LATE, "BB004"].includes(code));
    expect(long).toHaveLength(24);

    refusal = await sayAt(h, at("08:00"), "chen_jing", `异常 ${description(0, 9000)}`);
    // A minute apart, each alert has gone out before the next incident (at once, they are merged: alert-burst.test.ts).
    alerts = [];
    for (const [i, code] of long.entries()) {
      const { userid, named } = reporterOf(h, code);
      expect(await sayAt(h, at(`08:${String(10 + i).padStart(2, "0")}`), userid, `异常 ${named}${description(i + 1, 500)}`)).toContain("已登记");
      alerts.push(...(await takeMessages(h, LEADERS)));
    }
    expect(await sayAt(h, at("08:40"), "deng_hui", "平安")).toContain("已登记");
    for (const code of ["CG001", "CG002", "DB001"]) {
      const { userid, named } = reporterOf(h, code);
      expect(await sayAt(h, at("08:45"), userid, `防溺水 ${named}完成`)).toContain("已登记");
    }
    expect(await sayAt(h, at("08:50"), "zhang_wei", "学习 100/112")).toContain("已登记");
    expect(await sayAt(h, at("08:51"), "wang_fang", "学习 80/88")).toContain("已登记");
    // The incident that must not be pushed out: the last one, short.
    expect(await sayAt(h, at("09:50"), "cao_yu", "异常 晚到的一起：校车在校门口轻微剐蹭，无人受伤")).toContain("已登记");
    alerts.push(...(await takeMessages(h, LEADERS)));

    await h.fire("slots", new Date(at("10:30")));
    tally = await takeMessages(h, LEADERS);
    summary = await sayAt(h, at("10:35"), "wang_zhiyuan", "汇总");
  }, 120_000);
  afterAll(() => h?.close());

  it("refuses a 9,000-character incident with the limit and an example, recording nothing", async () => {
    expect(refusal).toContain("异常情况写了 9000 个字，超过了 500 字的上限，没有登记");
    expect(refusal).toContain("正确示例：");
    expect(refusal).toContain("> @平安助手 异常 一名学生课间摔伤，已送医，无生命危险");
    expect(utf8Bytes(refusal)).toBeLessThan(1000);
    expect(await h.store.get("safety", DAY, "CG004")).toBeUndefined();
    expect(await sayAt(h, at("10:36"), "liu_xin", "历史 CG004")).toContain("暂无上报或免报记录");
    expect(alerts.some((m) => m.content.includes("实验小学"))).toBe(false);
  });

  it("refuses the same for 代报, and takes exactly 500 characters", async () => {
    const onBehalf = await sayAt(h, at("10:37"), "wang_zhiyuan", `代报 实验小学 异常 ${description(99, 501)}`);
    expect(onBehalf).toContain("异常情况写了 501 个字，超过了 500 字的上限，没有登记");
    expect(await h.store.get("safety", DAY, "CG004")).toBeUndefined();
  });

  it("keeps 汇总 within the reply's 20480 bytes with every task's counts, every incident, the later one and the 未报 list", () => {
    const bytes = utf8Bytes(summary);
    expect(bytes).toBeLessThanOrEqual(20480);
    // Each task's block, with its counts.
    expect(summary).toContain("**平安日报**（截止 10:00 已过）\n应报 28 所 · 已报 26 所（92.9%）");
    expect(summary).toMatch(/\*\*防溺水提醒\*\* [^\n]+\n截止 [^\n]+\n应报 28 所 · 已报 3 所/u);
    expect(summary).toMatch(/\*\*周学习\*\* [^\n]+\n截止 [^\n]+\n应报 28 所 · 已报 2 所/u);
    expect(summary).toContain("教职工实到 180 / 应到 200 人（90.0%）");
    // Every incident, shortened, with where the whole text is; the later one too.
    expect(summary).toContain("⚠️ **异常 25 条：**");
    for (const code of long) {
      const school = h.roster.byCode(code)!;
      expect(summary).toContain(`> **${school.name}**（${school.area}）`);
      expect(summary).toContain(`…（详见：历史 ${school.shortName}）`);
    }
    expect(summary).toContain("> 晚到的一起：校车在校门口轻微剐蹭，无人受伤");
    expect(summary).not.toContain(description(1, 500));
    // The 未报 lists of every task.
    expect(summary).toContain("**未报（2 所）：**\n城关片区：实验小学\n北部片区：县四中");
    expect(summary).toMatch(/\*\*未报（25 所）：\*\*/u);
    expect(summary).toMatch(/\*\*未报（26 所）：\*\*/u);
    expect(summary).not.toContain("内容过长");
    console.info(`汇总 with 25 incidents (24 × 500 characters): ${bytes} bytes; kept: 平安日报, 防溺水提醒, 周学习 counts, 25 incidents, 3 未报 lists`);
  });

  it("sends the tally as few messages as fit, with every incident and the 未报 list", () => {
    const text = tally.map((m) => m.content).join("\n");
    for (const message of tally) expect(utf8Bytes(message.content)).toBeLessThanOrEqual(4096);
    expect(tally.filter((m) => m.content.includes("平安日报统计")).length).toBeLessThanOrEqual(2);
    for (const code of [...long, LATE]) expect(text).toContain(`> **${h.roster.byCode(code)!.name}**`);
    expect(text).toContain("晚到的一起：校车在校门口轻微剐蹭");
    expect(text).toContain("未报 2 所");
    expect(text).toContain("城关片区：实验小学");
    expect(text).toContain("北部片区：县四中");
    console.info(`safety tally: ${tally.length} message(s), ${tally.map((m) => utf8Bytes(m.content)).join(" + ")} bytes`);
  });

  it("alerts once per incident, each one message, the text shortened with where to read the rest", () => {
    const first = alerts.find((m) => m.content.includes(h.roster.byCode(long[0]!)!.name))!;
    expect(alerts.length).toBeLessThanOrEqual(25);
    expect(utf8Bytes(first.content)).toBeLessThan(1500);
    expect(first.content).toContain(`${description(1, 200)}…（详见：历史 ${h.roster.byCode(long[0]!)!.shortName}）`);
    expect(first.content).not.toContain(description(1, 201));
  });

  it("says in an update what the school reports now, with only the first words of what it replaces; 历史 has both in full", async () => {
    const code = long[0]!;
    const { userid, named } = reporterOf(h, code);
    const school = h.roster.byCode(code)!;
    await sayAt(h, at("10:40"), userid, `异常 ${named}${description(50, 500)}`);
    const [update, ...more] = await takeMessages(h, LEADERS);
    expect(more).toHaveLength(0);
    expect(update!.content).toContain(`⚠️ **异常更新：${school.name}**`);
    expect(update!.content).toContain(`${description(50, 200)}…（详见：历史 ${school.shortName}）`);
    expect(update!.content).toContain(`原报（6月10日 08:10）：${description(1, 30)}…`);
    expect(update!.content).not.toContain(description(1, 31));
    expect(utf8Bytes(update!.content)).toBeLessThan(1500);

    const history = await sayAt(h, at("10:41"), "liu_xin", `历史 ${school.shortName}`);
    expect(history).toContain(description(50, 500));
    expect(history).toContain(description(1, 500));
  });
});

describe("the description limit is configurable", () => {
  let h: Harness;
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "pingan-limits-"));
    copyFileSync("config/schools.example.csv", join(dir, "schools.example.csv"));
    const yaml = readFileSync("config/pingan.example.yaml", "utf8") + "\nlimits:\n  description_chars: 30\n";
    writeFileSync(join(dir, "pingan.yaml"), yaml);
    h = await startHarness({ now: at("08:00"), config: join(dir, "pingan.yaml") });
  });
  afterAll(async () => {
    await h?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("refuses 31 characters and takes 30 under limits.description_chars: 30", async () => {
    expect(await sayAt(h, at("08:00"), "wang_fang", `异常 ${description(1, 31)}`)).toContain("超过了 30 字的上限");
    expect(await sayAt(h, at("08:01"), "wang_fang", `异常 ${description(1, 30)}`)).toContain("已登记");
  });
});
