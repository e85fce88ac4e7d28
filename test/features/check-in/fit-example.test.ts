import { describe, expect, it } from "vitest";
import { READER_DECLARATIONS } from "../../../src/config/kinds.js";
import type { School } from "../../../src/config/school.js";
import { fitExample } from "../../../src/features/check-in/fit-example.js";

const school = (pupils: number, staff: number): School => ({ code: "X", name: "X", shortName: "X", area: "A", stage: "小学", reporters: [], pupils, staff, line: 1 });
const small = school(74, 8);
const count = (roster?: "pupils" | "staff") => ({ type: "count" as const, label: "人数", required: false, ...(roster && { roster }) });

describe("an example fitted to a school", () => {
  it("makes the largest figure the school's own, a part keeps its distance from it, a small figure stays", () => {
    expect(fitExample(READER_DECLARATIONS.safety, "平安 在校1200", small)).toBe("平安 在校74");
    expect(fitExample(READER_DECLARATIONS.drowning, "防溺水 1180/1200 电话", small)).toBe("防溺水 54/74 电话");
    expect(fitExample(READER_DECLARATIONS.study, "学习 应到52 实到50 请假2", small)).toBe("学习 应到8 实到6 请假2");
    const morning = { fields: { expected: count("pupils"), present: count() } };
    expect(fitExample(morning, "晨检 应到1200 实到1185 因病缺勤6 发热2 咳嗽3", small)).toBe("晨检 应到74 实到59 因病缺勤6 发热2 咳嗽3");
  });

  it("leaves what fits, a kind without a roster total, and a school whose roster has no figure", () => {
    expect(fitExample(READER_DECLARATIONS.safety, "平安 在校1200", school(2136, 112))).toBe("平安 在校1200");
    expect(fitExample(READER_DECLARATIONS.study, "学习 50/52", school(74, 52))).toBe("学习 50/52");
    expect(fitExample({ fields: { joined: count() } }, "例会 已召开 参会35人", small)).toBe("例会 已召开 参会35人");
    expect(fitExample(READER_DECLARATIONS.safety, "平安 在校1200", school(0, 0))).toBe("平安 在校1200");
  });

  it("never touches a date, a time, a decimal, a share or a measure", () => {
    const meeting = { fields: { joined: count("staff") } };
    expect(fitExample(meeting, "例会 已召开 12月1日 10:00 参会35人 出勤率98% 积水30厘米 11-20 2.5", small)).toBe("例会 已召开 12月1日 10:00 参会8人 出勤率98% 积水30厘米 11-20 2.5");
  });
});
