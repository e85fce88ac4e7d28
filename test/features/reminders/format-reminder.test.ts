import { kindOf } from "../../../src/config/kinds.js";
import { beforeAll, describe, expect, it } from "vitest";
import type { Config } from "../../../src/config/schema.js";
import { formatReminder } from "../../../src/features/reminders/plan-reminders.js";
import { reportersOfSeveral, writeReminderTarget } from "../../../src/features/reminders/reminder-targets.js";
import { BYTE_LIMITS, splitMessage, utf8Bytes } from "../../../src/push/enqueue.js";
import { createRoster, type Roster, type School } from "../../../src/config/roster.js";
import type { TaskCalendar } from "../../../src/time/task-calendar.js";
import { loadExample } from "../leaders/fixtures.js";
import { deadlineAt } from "../../../src/time/due.js";

let config: Config;
let roster: Roster;
let periods: TaskCalendar;
beforeAll(async () => {
  ({ config, roster, periods } = await loadExample());
});

const NINE = new Date("2026-11-24T09:00:00+08:00");
const tuesday = () => periods.at("safety", NINE)!;

/** The reminder naming these schools, to a group of exactly them (writeReminderTarget) at the county's node. */
function remind(args: { kind: "safety" | "drowning"; period: ReturnType<typeof tuesday>; schools: readonly School[]; now: Date }) {
  const target = writeReminderTarget({ group: "g", groupName: "校长群", botName: "平安助手", viaBot: false, kind: kindOf(config, args.kind)!, role: undefined, schools: args.schools, several: reportersOfSeveral(roster.schools, undefined), node: roster.node });
  return formatReminder({ period: args.period, target, schools: target.schools, deadline: deadlineAt(periods, args.period, args.now) });
}

describe("formatReminder", () => {
  it("names the task, period, deadline and command, with one line per school naming and mentioning exactly its reporters", () => {
    const schools = ["CG001", "XB004", "XB005", "BB006"].map((code) => roster.byCode(code)!);
    const message = remind({ kind: "safety", period: tuesday(), schools, now: NINE });
    expect(message.msgtype).toBe("text");
    expect(message.header).toBe("【催报】平安日报 11月24日（周二）");
    const all = ["CG001", "XB004", "XB005", "BB006"];
    // Each line names the schools it is about, so that at delivery it drops out once they all reported.
    expect(message.lines.map((l) => [l.text, l.mentions ?? [], l.subjects])).toEqual([
      ["截止 11月24日 周二 10:00，以下学校还没有上报：", [], all],
      ["【城关片区】", [], ["CG001"]],
      ["· 平安县城关第一小学（张伟、李娜）", ["zhang_wei", "li_na"], ["CG001"]],
      ["【西部片区】", [], ["XB004", "XB005"]],
      ["· 平安县枫林乡中心小学（周杰）", ["zhou_jie"], ["XB004"]],
      ["· 平安县枫林乡岭头小学（周杰）", ["zhou_jie"], ["XB005"]],
      ["【北部片区】", [], ["BB006"]],
      ["· 平安县第四中学（彭飞、吴霞）", ["peng_fei", "wu_xia"], ["BB006"]],
      ["请上报人在群里发送：@平安助手 平安", [], all],
      ["有异常请发送：@平安助手 异常 具体情况", [], all],
      // 周杰 reports for both 西部 schools: 平安 alone is refused for him.
      ["负责多所学校的上报人请在指令后写上学校名，例如：@平安助手 平安 枫林小学", [], ["XB004", "XB005"]],
    ]);
    const [body, ...more] = splitMessage(message);
    expect(more).toHaveLength(0);
    expect(body).toMatchObject({ msgtype: "text", text: { mentioned_list: ["zhang_wei", "li_na", "zhou_jie", "peng_fei", "wu_xia"] } });
  });

  it("tells a reporter of several listed schools to name one, in the kind's form, only while one of his is listed", () => {
    const drowning = periods.at("drowning", new Date("2026-06-18T16:00:00+08:00"))!;
    const both = remind({ kind: "drowning", period: drowning, schools: ["XB004", "XB005"].map((code) => roster.byCode(code)!), now: NINE });
    expect(both.lines.at(-1)!.text).toBe("负责多所学校的上报人请在指令后写上学校名，例如：@平安助手 防溺水 枫林小学 已提醒人数/应提醒人数");
    // Only one of his listed (the other reported, or in another group): still told, as 平安 alone is refused for him.
    const one = remind({ kind: "safety", period: tuesday(), schools: ["CG001", "XB005"].map((code) => roster.byCode(code)!), now: NINE });
    expect(one.lines.at(-1)).toEqual({ text: "负责多所学校的上报人请在指令后写上学校名，例如：@平安助手 平安 岭头小学", subjects: ["XB005"] });
    const none = remind({ kind: "safety", period: tuesday(), schools: ["CG001", "BB006"].map((code) => roster.byCode(code)!), now: NINE });
    expect(none.lines.map((line) => line.text).join("\n")).not.toContain("负责多所学校");
  });

  it("says the deadline has passed when written after it (a leader's 提醒 at 10:01)", () => {
    const schools = [roster.byCode("CG001")!];
    const atDeadline = remind({ kind: "safety", period: tuesday(), schools, now: new Date("2026-11-24T10:00:59+08:00") });
    expect(atDeadline.lines[0]!.text).toBe("截止 11月24日 周二 10:00，以下学校还没有上报：");
    const after = remind({ kind: "safety", period: tuesday(), schools, now: new Date("2026-11-24T10:01:00+08:00") });
    expect(after.lines[0]!.text).toBe("截止 11月24日 周二 10:00 已过，以下学校仍未上报：");
  });

  it("gives the command with an example for drowning and study", () => {
    const drowning = periods.at("drowning", new Date("2026-05-12T09:00:00+08:00"))!;
    const texts = remind({ kind: "drowning", period: drowning, schools: [roster.schools[0]!], now: new Date("2026-05-12T09:00:00+08:00") }).lines.map((l) => l.text);
    expect(texts).toContain("请上报人在群里发送：@平安助手 防溺水 已提醒人数/应提醒人数");
    expect(texts).toContain("例如：@平安助手 防溺水 1180/1200 电话");
    expect(texts[0]).toBe("截止 5月15日 周五 17:00，以下学校还没有上报：");
  });

  it("splits a long list within 2048 bytes, each part mentioning only the reporters of its own lines", () => {
    const schools: School[] = Array.from({ length: 300 }, (_, i) => ({
      code: `S${i}`,
      name: `某某县第${i}中心小学`,
      shortName: "",
      area: `第${Math.floor(i / 50)}片区`,
      stage: "小学",
      reporters: [`u${i}`],
      pupils: 100,
      staff: 10,
      line: i,
    }));
    const message = remind({ kind: "safety", period: tuesday(), schools: createRoster(schools).schools, now: NINE });
    const bodies = splitMessage(message);
    expect(bodies.length).toBeGreaterThan(1);
    const seen: string[] = [];
    for (const body of bodies) {
      if (body.msgtype !== "text") throw new Error("expected text");
      expect(utf8Bytes(body.text.content)).toBeLessThanOrEqual(BYTE_LIMITS.text);
      expect(body.text.content.startsWith("【催报】平安日报 11月24日（周二）")).toBe(true);
      const named = [...body.text.content.matchAll(/第(\d+)中心小学/gu)].map((m) => `u${m[1]}`);
      expect(body.text.mentioned_list ?? []).toEqual(named);
      seen.push(...named);
    }
    expect(seen).toEqual(schools.map((s) => s.reporters[0]));
  });
});
