import { describe, expect, it } from "vitest";
import { suggestClosest } from "../../src/config/suggest-closest.js";

const TASK_KEYS = ["period", "deadline", "reminders", "tally", "enabled", "name", "days", "season", "summer", "tally_group"];

describe("suggestClosest", () => {
  it.each([
    ["deadlin", "deadline"],
    ["dealine", "deadline"],
    ["remiders", "reminders"],
    ["reminder", "reminders"],
    ["Tally-Group", "tally_group"],
    ["seasno", "season"],
    ["day", "days"],
  ])("%s → %s", (typo, expected) => {
    expect(suggestClosest(typo, TASK_KEYS)).toBe(expected);
  });

  it("makes no guess when nothing is close", () => {
    expect(suggestClosest("截止时间", TASK_KEYS)).toBeUndefined();
    expect(suggestClosest("webhook", ["name", "role", "schools"])).toBeUndefined();
    expect(suggestClosest("x", [])).toBeUndefined();
  });

  it("finds areas with a missing character", () => {
    expect(suggestClosest("北部片", ["城关片区", "东部片区", "西部片区", "北部片区"])).toBe("北部片区");
  });
});
