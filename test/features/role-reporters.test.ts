import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeConfigVariant } from "../support/config-variant.js";
import { startHarness, type Harness } from "../support/harness.js";
import { sayAt, takeMessages } from "../commands/leader-seed.js";
import { checkConfig } from "../../src/cli/check-config.js";
import { createConfigSource } from "../../src/config/config-source.js";
import { TEST_ENV } from "../support/test-env.js";
import type { FakeLongConnection, FakeReceivedFrame } from "../../src/wecom/simulator/fake-long-connection.js";
import { askOverLongConnection } from "../support/ask-long-connection.js";

/** 晨午检 switched on and reported by each school's 校医 (`reporters: 校医`), not by its principal. */
const CHECKUP_BY_DOCTOR: ReadonlyArray<readonly [string, string]> = [["    name: 晨午检\n    enabled: false\n", "    name: 晨午检\n    reporters: 校医\n"]];

/**
 * The example roster with a 校医 column and its 校医姓名: doc_zhao (赵敏) is 城关一小's and
 * 城关三小's doctor, 城关二小 has two (doc_sun without a name), the other schools none yet.
 */
const DOCTORS: Readonly<Record<string, readonly [string, string]>> = {
  CG001: ["doc_zhao", "赵敏"],
  CG002: ["doc_qian|doc_sun", "钱进|"],
  CG003: ["doc_zhao", "赵敏"],
};
const withDoctors = (csv: string) =>
  csv
    .split("\n")
    .map((line, index) => {
      if (line === "") return line;
      const [accounts, names] = index === 0 ? ["校医", "校医姓名"] : (DOCTORS[line.split(",")[0]!] ?? ["", ""]);
      return `${line},${accounts},${names}`;
    })
    .join("\n");

/** Tuesday 2026-11-24, a school day: 晨午检's deadline 10:00, reminder 09:30. */
describe("a kind reported by a role of the roster (晨午检 by the 校医)", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ now: "2026-11-24T08:00:00+08:00", variant: { edits: CHECKUP_BY_DOCTOR, roster: withDoctors } });
  });
  afterAll(() => h.close());

  it("records the role person's report for his school, asking which when he has several", async () => {
    const mine = await sayAt(h, "2026-11-24T08:30:00+08:00", "doc_qian", "晨检 实到1680");
    expect(mine).toContain("已登记：**平安县城关第二小学** 11月24日（周二） 晨午检");
    const which = await sayAt(h, "2026-11-24T08:31:00+08:00", "doc_zhao", "晨检 实到2120");
    expect(which).toContain("城关一小");
    expect(which).toContain("城关三小");
    expect(await h.store.get("checkup", "2026-11-24", "CG001")).toBeUndefined();
    const named = await sayAt(h, "2026-11-24T08:32:00+08:00", "doc_zhao", "城关一小 晨检 实到2120");
    expect(named).toContain("已登记：**平安县城关第一小学**");
    expect((await h.store.get("checkup", "2026-11-24", "CG001"))?.by).toBe("doc_zhao");
    // 历史 names him as the roster does, not as someone no longer listed.
    const history = await sayAt(h, "2026-11-24T08:33:00+08:00", "wang_zhiyuan", "历史 城关一小");
    expect(history).toContain("赵敏");
    expect(history).not.toContain("已不在名单");
  });

  it("refuses the principal, naming who reports it, and records nothing; his 平安 is still his", async () => {
    const refused = await sayAt(h, "2026-11-24T08:40:00+08:00", "liu_yang", "晨检 实到1400");
    expect(refused).toContain("晨午检由各校校医上报，本条没有登记。");
    expect(refused).toContain("平安县城关第三小学的校医：赵敏");
    expect(await h.store.get("checkup", "2026-11-24", "CG003")).toBeUndefined();
    const none = await sayAt(h, "2026-11-24T08:41:00+08:00", "chen_jing", "晨检 实到1900");
    expect(none).toContain("平安县实验小学的名单里没有校医");
    expect(await sayAt(h, "2026-11-24T08:42:00+08:00", "liu_yang", "平安")).toContain("已登记：**平安县城关第三小学**");
    // The role person is no reporter of the school's other kinds.
    expect(await sayAt(h, "2026-11-24T08:43:00+08:00", "doc_qian", "平安")).not.toContain("已登记");
  });

  it("lets a leader enter it for a school (代报)", async () => {
    const reply = await sayAt(h, "2026-11-24T08:45:00+08:00", "chen_xiaohong", "代报 实验小学 晨检 实到1950");
    expect(reply).toContain("已登记：**平安县实验小学**");
  });

  it("says who reports it in 帮助 and 状态", async () => {
    expect(await sayAt(h, "2026-11-24T08:50:00+08:00", "doc_qian", "帮助")).toContain("（由各校校医上报）");
    expect(await sayAt(h, "2026-11-24T08:51:00+08:00", "wang_fang", "状态")).toContain("- 晨午检（11月24日（周二））（由各校校医上报）：已报");
  });

  it("reminds by @-mentioning the role's people of the missing schools, and 未报 names them", async () => {
    await takeMessages(h, "局领导群");
    await takeMessages(h, "全县校长群");
    await h.fire("slots", "2026-11-24T09:30:00+08:00");
    const reminders = (await takeMessages(h, "全县校长群")).filter((m) => m.content.includes("【催报】晨午检"));
    expect(reminders.length).toBeGreaterThan(0);
    const text = reminders.map((m) => m.content).join("\n");
    expect(text).toContain("平安县城关第三小学（赵敏）");
    expect(text).toContain("请校医在群里发送：@平安助手 ");
    expect(text).not.toContain("请上报人");
    expect(text).not.toContain("平安县城关第二小学");
    expect(text).not.toContain("刘洋");
    const mentioned = reminders.flatMap((m) => m.mentioned_list);
    expect(mentioned).toContain("doc_zhao");
    expect(mentioned).not.toContain("liu_yang");

    const missing = await sayAt(h, "2026-11-24T09:35:00+08:00", "wang_zhiyuan", "未报 晨午检");
    expect(missing).toContain("城关三小 赵敏");
    expect(missing).not.toContain("doc_zhao");
    expect(missing).not.toContain("刘洋");

    const remind = await sayAt(h, "2026-11-24T09:45:00+08:00", "wang_zhiyuan", "提醒 晨午检");
    expect(remind).toContain("@ 各校校医）");
    expect(remind).not.toContain("各校上报人");
  });

  it("lets a 校医 who is no 上报人 see 状态 of his kind and withdraw it; the principal withdraws it no more than he reports it", async () => {
    const status = await sayAt(h, "2026-11-24T09:50:00+08:00", "doc_qian", "状态");
    expect(status).toContain("**平安县城关第二小学**");
    expect(status).toContain("- 晨午检（11月24日（周二））（由各校校医上报）：已报");
    expect(status).not.toContain("平安日报");
    expect(status).not.toContain("上报人");

    const refused = await sayAt(h, "2026-11-24T09:51:00+08:00", "wang_fang", "撤销 晨检");
    expect(refused).toContain("晨午检由各校校医上报");
    expect(await h.store.get("checkup", "2026-11-24", "CG002")).toBeDefined();
    const withdrawn = await sayAt(h, "2026-11-24T09:52:00+08:00", "doc_qian", "撤销 晨检");
    expect(withdrawn).toContain("已撤销 **平安县城关第二小学**");
    expect(await h.store.get("checkup", "2026-11-24", "CG002")).toBeUndefined();
  });
});

/** 晨午检's cards over the long connection: the principals' group is pushed to by the smart bot. */
describe("a tap on a role kind's card", () => {
  const CHAT = "wr_principals";
  interface SentCard {
    card_type: string;
    task_id: string;
    sub_title_text?: string;
    button_list: { text: string; key: string }[];
  }
  let h: Harness;
  let fake: FakeLongConnection;
  let taps = 0;
  beforeAll(async () => {
    h = await startHarness({ now: "2026-11-23T08:00:00+08:00", variant: { edits: CHECKUP_BY_DOCTOR, roster: withDoctors }, transport: "websocket", viaBot: { principals: CHAT } });
    fake = h.longConnection!;
  });
  afterAll(() => h.close());

  const ask = async (at: string, userid: string, text: string) => {
    h.clock.set(new Date(at));
    const { reply } = await askOverLongConnection(fake, { userid, text, chatid: CHAT, msgid: `ask-${(taps += 1)}` });
    return (reply.body as { stream: { content: string } }).stream.content;
  };
  const tap = async (userid: string, card: SentCard, text: string): Promise<SentCard> => {
    const button = card.button_list.find((b) => b.text === text)!;
    const reqId = fake.sendEvent({
      userid,
      chatid: CHAT,
      eventtype: "template_card_event",
      cardEvent: { card_type: card.card_type, event_key: button.key, task_id: card.task_id },
      msgid: `tap-${(taps += 1)}`,
    });
    await fake.waitFor(() => fake.responses(reqId).length > 0, 15_000);
    const [update] = fake.responses(reqId) as [FakeReceivedFrame];
    return (update.body as { template_card: SentCard }).template_card;
  };
  const lastPushedCard = (): SentCard => {
    const cards = fake.sent().filter((f) => (f.body as { msgtype: string }).msgtype === "template_card");
    return (cards.at(-1)!.body as { template_card: SentCard }).template_card;
  };

  it("records a 校医's tap for his school, refuses the principal's as typing does, and the reminder card reaches the group", async () => {
    expect(await ask("2026-11-23T08:30:00+08:00", "doc_qian", "晨检 实到1680")).toContain("已登记");
    await h.fire("slots", "2026-11-24T09:30:00+08:00");
    const card = lastPushedCard();
    expect(card.button_list.map((b) => b.text)).toEqual(["与上次相同"]);

    h.clock.set(new Date("2026-11-24T09:31:00+08:00"));
    const refused = await tap("liu_yang", card, "与上次相同");
    expect(refused.sub_title_text).toContain("晨午检由各校校医上报，本条没有登记。");
    expect(refused.sub_title_text).toContain("平安县城关第三小学的校医：赵敏");
    expect(await h.store.get("checkup", "2026-11-24", "CG003")).toBeUndefined();

    const same = await tap("doc_qian", card, "与上次相同");
    const recorded = await tap("doc_qian", same, same.button_list[0]!.text);
    expect(JSON.stringify(recorded)).toContain("晨午检已登记");
    expect((await h.store.get("checkup", "2026-11-24", "CG002"))?.by).toBe("doc_qian");
  });
});

describe("check-config on a kind's reporters role", () => {
  const check = async (role: string, roster?: (csv: string) => string) => {
    const variant = writeConfigVariant([["    name: 晨午检\n    enabled: false\n", `    name: 晨午检\n    reporters: ${role}\n`]], roster ? { roster } : {});
    try {
      const lines: string[] = [];
      const code = await checkConfig({ source: createConfigSource(variant.path, TEST_ENV), now: new Date("2026-11-24T09:00:00+08:00"), out: (line) => lines.push(line) });
      return { code, said: lines.join("\n") };
    } finally {
      variant.remove();
    }
  };
  // 晨午检's `reporters` goes right under its name.
  const line = readFileSync("config/pingan.example.yaml", "utf8").split("\n").indexOf("    name: 晨午检") + 2;

  it("refuses a role the roster has no column of, at its line", async () => {
    const { code, said } = await check("校医");
    expect(code).not.toBe(0);
    expect(said).toContain(`pingan.yaml:${line} tasks.checkup.reporters: 名单表头没有 "校医" 这一列`);
  });

  it("refuses a role that is one of the roster's fixed columns, at its line", async () => {
    const { code, said } = await check("上报人", withDoctors);
    expect(code).not.toBe(0);
    expect(said).toContain(`pingan.yaml:${line} tasks.checkup.reporters: "上报人" 是名单的固定列，不能当作上报角色`);
  });

  it("takes a role the roster holds, and names the line of a bad account in its column", async () => {
    expect((await check("校医", withDoctors)).code).toBe(0);
    const { code, said } = await check("校医", (csv) => withDoctors(csv).replace("doc_qian|doc_sun", "doc_qian、doc_sun"));
    expect(code).not.toBe(0);
    expect(said).toContain("schools.example.csv:3 校医: 多个上报人要用 | 分隔");
  });

  it("names the line of a 校医姓名 cell that does not pair with its 校医 accounts", async () => {
    const { code, said } = await check("校医", (csv) => withDoctors(csv).replace("钱进|", "钱进"));
    expect(code).not.toBe(0);
    expect(said).toContain("schools.example.csv:3 校医姓名: 校医姓名有 1 个，校医账号有 2 个");
  });
});
