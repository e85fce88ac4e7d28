import { describe, expect, it } from "vitest";
import { READER_DECLARATIONS } from "../../../src/config/kinds.js";
import type { School } from "../../../src/config/school.js";
import { fitExample } from "../../../src/features/check-in/fit-example.js";

const school = (pupils: number, staff: number): School => ({ code: "X", name: "X", shortName: "X", area: "A", stage: "小学", reporters: [], pupils, staff, line: 1 });
const small = school(74, 8);
const TODAY = "2026-12-07";
const count = (roster?: "pupils" | "staff") => ({ type: "count" as const, label: "人数", required: false, ...(roster && { roster }) });

describe("an example fitted to a school", () => {
  it("makes the largest figure the school's own, a part keeps its distance from it, a small figure stays", () => {
    expect(fitExample(READER_DECLARATIONS.safety, "平安 在校1200", { school: small, today: TODAY })).toBe("平安 在校74");
    expect(fitExample(READER_DECLARATIONS.drowning, "防溺水 1180/1200 电话", { school: small, today: TODAY })).toBe("防溺水 54/74 电话");
    expect(fitExample(READER_DECLARATIONS.study, "学习 应到52 实到50 请假2", { school: small, today: TODAY })).toBe("学习 应到8 实到6 请假2");
    const morning = { fields: { expected: count("pupils"), present: count() } };
    expect(fitExample(morning, "晨检 应到1200 实到1185 因病缺勤6 发热2 咳嗽3", { school: small, today: TODAY })).toBe("晨检 应到74 实到59 因病缺勤6 发热2 咳嗽3");
  });

  it("leaves what fits, a kind without a roster total, and a school whose roster has no figure", () => {
    expect(fitExample(READER_DECLARATIONS.safety, "平安 在校1200", { school: school(2136, 112), today: TODAY })).toBe("平安 在校1200");
    expect(fitExample(READER_DECLARATIONS.study, "学习 50/52", { school: school(74, 52), today: TODAY })).toBe("学习 50/52");
    expect(fitExample({ fields: { joined: count() } }, "例会 已召开 参会35人", { school: small, today: TODAY })).toBe("例会 已召开 参会35人");
    expect(fitExample(READER_DECLARATIONS.safety, "平安 在校1200", { school: school(0, 0), today: TODAY })).toBe("平安 在校1200");
  });

  it("never touches a date, a time, a decimal, a share or a measure", () => {
    const meeting = { fields: { joined: count("staff") } };
    expect(fitExample(meeting, "例会 已召开 12月1日 10:00 参会35人 出勤率98% 积水30厘米 11-20 2.5", { school: small, today: TODAY })).toBe("例会 已召开 12月1日 10:00 参会8人 出勤率98% 积水30厘米 11-20 2.5");
  });

  it("makes a date of a kind whose date field takes days come only today's, in the form written, for any school or none", () => {
    const meeting = { fields: { date: { type: "date" as const, label: "日期", required: false, past: true }, joined: count("staff") } };
    expect(fitExample(meeting, "例会 已召开 12月1日 参会35人", { today: TODAY })).toBe("例会 已召开 12月7日 参会35人");
    expect(fitExample(meeting, "例会 已召开 12月1日 参会35人", { school: small, today: TODAY })).toBe("例会 已召开 12月7日 参会8人");
    expect(fitExample(meeting, "例会 2026年11月20日 10:00 / 11-20 / 2025-11-20 / 1-5 2.5", { today: "2027-01-03" })).toBe("例会 2027年1月3日 10:00 / 01-03 / 2027-01-03 / 1-3 2.5");
    // A date field that takes any day (a plan) keeps its example's date.
    const plan = { fields: { date: { type: "date" as const, label: "日期", required: false } } };
    expect(fitExample(plan, "演练 12月20日", { today: TODAY })).toBe("演练 12月20日");
  });
});
