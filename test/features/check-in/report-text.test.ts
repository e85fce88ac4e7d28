import { describe, expect, it } from "vitest";
import type { School } from "../../../src/config/roster.js";
import { reportText } from "../../../src/features/check-in/report-text.js";

const school = (above: Pick<School, "city" | "county"> = {}): School => ({ code: "P1", name: "第01号学校", shortName: "", area: "城关片区", ...above, stage: "小学", reporters: ["r"], pupils: 1, staff: 1, line: 2 });

describe("状态's heading of a school", () => {
  it("names the county beside the 片区 where the roster has counties, so two counties' 城关片区 read apart", () => {
    expect(reportText.statusHeader(school({ city: "平安市", county: "平安县" }))).toBe("**第01号学校**（平安县 城关片区）本期上报情况：");
    expect(reportText.statusHeader(school({ city: "平安市", county: "城东区" }))).toBe("**第01号学校**（城东区 城关片区）本期上报情况：");
    expect(reportText.statusHeader(school())).toBe("**第01号学校**（城关片区）本期上报情况：");
  });
});
