import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { askOverLongConnection } from "../support/ask-long-connection.js";
import { HARNESS_CHATID, startHarness, type Harness, type Transport } from "../support/harness.js";
import { sayAt } from "./leader-seed.js";

/**
 * Half of an emoji a client cut (an unpaired UTF-16 surrogate), a NUL and other control
 * characters, sent as WeCom sends them (JSON escapes) on either transport. Recorded, they must
 * never stop the school's next report: Tuesday 2026-11-24, safety due at 10:00.
 */
const DAY = "2026-11-24";
const CUT = "\ud83d";
const LOW = "\ude00";

/** Whether a string has an unpaired surrogate or a control character other than tab and line breaks. */
const illFormed = (text: string) => /\p{Cs}|[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\ufffe\uffff]/u.test(text);

describe.each<Transport>(["callback", "websocket"])("ill-formed text over the %s", (transport) => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ now: `${DAY}T08:00:00+08:00`, transport });
  });
  afterAll(() => h.close());

  it("a principal's incident cut mid-emoji is recorded well-formed, and the school's 平安, 异常 and 撤销 after it are recorded", async () => {
    expect(await sayAt(h, `${DAY}T08:10:00+08:00`, "hu_bin", `异常 一名学生摔伤${CUT}，已送医\u0000`)).toContain("已登记");
    expect(await sayAt(h, `${DAY}T08:20:00+08:00`, "hu_bin", "异常 一名学生摔伤，已送医，家长已到")).toContain("已登记");
    expect(await sayAt(h, `${DAY}T08:25:00+08:00`, "hu_bin", `平安 在校846 ${LOW}`)).toContain("已登记");
    expect(await sayAt(h, `${DAY}T08:30:00+08:00`, "hu_bin", "撤销 平安")).toContain("撤销");
    expect(await sayAt(h, `${DAY}T08:35:00+08:00`, "hu_bin", "平安")).toContain("已登记");
    const log = (await h.store.log("safety", DAY)).filter((e) => e.school === "DB001");
    expect(log.map((e) => e.type)).toEqual(["report", "replace", "replace", "withdraw", "report"]);
    expect(log[0]!.report!.value).toEqual({ task: "safety", status: "abnormal", description: "一名学生摔伤\ufffd，已送医" });
    for (const event of log) expect(illFormed(event.raw)).toBe(false);
  });

  it("a leader's 代报 cut mid-emoji leaves the school free to report", async () => {
    expect(await sayAt(h, `${DAY}T08:40:00+08:00`, "wang_zhiyuan", `代报 青石小学 异常 围墙倒塌${CUT}`)).toContain("已登记");
    expect(await sayAt(h, `${DAY}T08:45:00+08:00`, "gao_feng", "异常 围墙倒塌，已设警戒")).toContain("已登记");
    expect(await sayAt(h, `${DAY}T08:50:00+08:00`, "wang_zhiyuan", "代报 青石小学 平安")).toContain("已登记");
    const log = (await h.store.log("safety", DAY)).filter((e) => e.school === "DB003");
    expect(log).toHaveLength(3);
    for (const event of log) expect(illFormed(event.raw)).toBe(false);
  });

  it("keeps a message's ids well-formed too: a msgid cut mid-emoji is recorded once and the next message after it", async () => {
    h.clock.set(new Date(`${DAY}T08:55:00+08:00`));
    const msgid = `m-${CUT}-1`;
    const ask = async (text: string, id: string) => {
      if (transport === "callback") return (await h.sim.say({ from: "zhu_hong", text, msgid: id })).markdown ?? "";
      const { reply } = await askOverLongConnection(h.longConnection!, { userid: "zhu_hong", text, chatid: HARNESS_CHATID, msgid: id });
      return (reply.body as { stream?: { content?: string } }).stream?.content ?? "";
    };
    expect(await ask("异常 食堂停电", msgid)).toContain("已登记");
    expect(await ask("平安", `m-${CUT}-2`)).toContain("已登记");
    const log = (await h.store.log("safety", DAY)).filter((e) => e.school === "DB002");
    expect(log).toHaveLength(2);
    for (const event of log) expect(illFormed(event.msgid)).toBe(false);
  });
});

describe("a card tap with ill-formed ids", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ now: `${DAY}T09:00:00+08:00`, transport: "callback" });
  });
  afterAll(() => h.close());

  it("records the tap well-formed, and the school's typed reports after it", async () => {
    const help = await h.sim.say({ from: "lin_yan", text: "帮助" });
    const button = help.card!.button_list!.find((b) => b.text.includes("今日平安"))!;
    const tapped = await h.sim.tap({ from: "lin_yan", taskId: help.card!.task_id, key: button.key, msgid: `tap-${CUT}` });
    expect(tapped.status).toBe(200);
    expect((await h.sim.say({ from: "lin_yan", text: "异常 一名学生发烧" })).markdown).toContain("已登记");
    const log = (await h.store.log("safety", DAY)).filter((e) => e.school === "DB004");
    expect(log.map((e) => e.raw)).toEqual(["（点击卡片）今日平安 ✅", "异常 一名学生发烧"]);
    for (const event of log) expect(illFormed(event.msgid)).toBe(false);
  });
});
