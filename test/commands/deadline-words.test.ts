import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startHarness, type Harness } from "../support/harness.js";
import { sayAt, takeMessages } from "./leader-seed.js";

/** Friday 2026-12-04: the safety deadline is 10:00, the study week's Friday 18:00. */
const at = (time: string) => `2026-12-04T${time}:00+08:00`;
const PRINCIPALS = "全县校长群";
const LEADERS = "局领导群";

/** Every `截止 <time>` a text names, with whether it says the deadline has passed. */
function deadlinesIn(text: string): { when: string; past: boolean }[] {
  return [...text.matchAll(/截止 ((?:\d+月\d+日 (?:周.\s)?)?\d{2}:\d{2})( 已过)?/gu)].map((m) => ({ when: m[1]!, past: m[2] !== undefined }));
}

/** Whether a deadline as a text names it is the study's (Friday 18:00) or the safety's (10:00). */
const isStudy = (when: string) => when.endsWith("18:00");

/**
 * Every text that names a deadline reads right on either side of it: `截止 X` while reports are
 * still on time, `截止 X 已过` after (issue 21: "截止 12月4日 周五 18:00，以下学校还没有上报" after
 * 18:00). The texts: 状态, 汇总, 未报, 提醒 and the reminder push, the reply to a report (what the
 * school still owes), the reply to 撤销, the tally push and the 看板 page.
 */
describe("deadlines read right before and after them", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ now: at("08:00") });
  });
  afterAll(() => h.close());

  /** Everything a principal and a leader read at `time`, and the pushes it caused. */
  async function readAll(time: string): Promise<string[]> {
    const texts = [
      await sayAt(h, at(time), "zhang_wei", "状态"),
      await sayAt(h, at(time), "wang_zhiyuan", "汇总"),
      await sayAt(h, at(time), "wang_zhiyuan", "未报 平安"),
      await sayAt(h, at(time), "wang_zhiyuan", "未报 学习"),
      await sayAt(h, at(time), "wang_fang", "平安"),
      await sayAt(h, at(time), "wang_fang", "撤销 平安"),
      await sayAt(h, at(time), "wang_zhiyuan", "提醒 学习"),
    ];
    const pushes = (await takeMessages(h, PRINCIPALS)).map((m) => m.content);
    return [...texts, ...pushes];
  }

  it("before both deadlines (09:30) no text says one has passed", async () => {
    const texts = await readAll("09:30");
    await h.fire("slots", new Date(at("09:45")));
    texts.push(...(await takeMessages(h, PRINCIPALS)).map((m) => m.content));
    const named = texts.flatMap(deadlinesIn);
    expect(named.length).toBeGreaterThan(8);
    expect(named.filter((d) => d.past)).toEqual([]);
    expect(texts.join("\n")).toContain("截止 12月4日 周五 18:00，以下学校还没有上报：");
  });

  it("between them (15:00) the safety deadline has passed and the study's has not, in every text", async () => {
    const texts = await readAll("15:00");
    await h.fire("slots", new Date(at("10:30")));
    texts.push(...(await takeMessages(h, LEADERS)).map((m) => m.content));
    await h.fire("slots", new Date(at("15:00")));
    texts.push(...(await takeMessages(h, PRINCIPALS)).map((m) => m.content));
    const named = texts.flatMap(deadlinesIn);
    expect(named.some((d) => isStudy(d.when)) && named.some((d) => !isStudy(d.when))).toBe(true);
    for (const deadline of named) expect(deadline, deadline.when).toEqual({ when: deadline.when, past: !isStudy(deadline.when) });
  });

  it("after both (19:00) every text says the deadline has passed: 截止 …已过，以下学校仍未上报", async () => {
    const texts = await readAll("19:00");
    await h.fire("slots", new Date(at("18:30")));
    texts.push(...(await takeMessages(h, LEADERS)).map((m) => m.content));
    const all = texts.join("\n");
    expect(all).toContain("截止 12月4日 周五 18:00 已过，以下学校仍未上报：");
    expect(all).not.toContain("还没有上报");
    expect(all).toContain("截止时间 12月4日 周五 10:00 已过，重新上报将记为迟报");
    expect(all).not.toMatch(/请在截止时间.*前重新上报/u);
    const named = texts.flatMap(deadlinesIn);
    expect(named.length).toBeGreaterThan(8);
    expect(named.filter((d) => !d.past)).toEqual([]);
  });

  it("the 看板 page names today's deadline as passed after it", async () => {
    const reply = await sayAt(h, at("19:00"), "wang_zhiyuan", "看板");
    const link = new URL(/\((https?:[^)]+)\)/u.exec(reply)![1]!);
    const page = await (await fetch(`${h.url}${link.pathname}${link.search}`)).text();
    expect(page).toContain("截止 10:00 已过");
  });
});
