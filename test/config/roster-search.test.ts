import { describe, expect, it } from "vitest";
import { createRoster, type School } from "../../src/config/roster.js";

function school(code: string, name: string): School {
  return { code, name, shortName: "", area: "枫林片区", stage: "小学", reporters: [`r_${code}`], pupils: 1, staff: 1, line: 2 };
}

describe("roster.search", () => {
  const fenglin = school("FL001", "平安县枫林乡中心小学");
  const lingtou = school("FL002", "平安县枫林乡岭头小学");
  const other = school("FL003", "平安县枫林乡枫林中学");
  const roster = createRoster([fenglin, lingtou, other]);

  it("finds every school a part of a name names, or only among the schools given (a reporter's own)", () => {
    expect(roster.search("枫林").map((s) => s.code)).toEqual(["FL001", "FL002", "FL003"]);
    expect(roster.search("枫林", [fenglin, lingtou]).map((s) => s.code)).toEqual(["FL001", "FL002"]);
    expect(roster.search("岭头", [fenglin])).toEqual([]);
  });

  it("finds an exact name or code only when it is among the schools given", () => {
    expect(roster.search("FL003", [fenglin])).toEqual([]);
    expect(roster.search("FL001", [fenglin])).toEqual([fenglin]);
  });
});

describe("roster.shownName", () => {
  it("shows a school's name as typed, never as markup, for its schools and its parts' alike", () => {
    const starred = school("XX001", "平安县*星光*小学");
    const plain = { ...school("XX002", "平安县星光中学"), area: "城关片区" };
    const roster = createRoster([starred, plain]);
    const part = roster.within(roster.root.children.find((node) => node.schools.includes(starred))!);
    expect(roster.shownName(starred)).toBe("平安县＊星光＊小学");
    expect(roster.shownName(plain)).toBe("平安县星光中学");
    expect(part.schools).toEqual([starred]);
    expect(part.shownName(starred)).toBe("平安县＊星光＊小学");
  });
});
