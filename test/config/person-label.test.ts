import { describe, expect, it } from "vitest";
import { personLabel, type School } from "../../src/config/roster.js";

const school: School = {
  code: "CG001",
  name: "平安县城关第一小学",
  shortName: "城关一小",
  area: "城关片区",
  stage: "小学",
  reporters: ["zhang_wei", "li_na"],
  reporterNames: ["张伟", ""],
  pupils: 2136,
  staff: 112,
  line: 2,
};
const people = { leaders: [{ userid: "wang_zhiyuan", name: "王志远" }], admins: [{ userid: "liu_xin", name: "刘鑫" }] };

describe("personLabel: whoever acted on a report, as shown to people", () => {
  it("names a reporter by the roster and a leader or admin by the config", () => {
    expect(personLabel("zhang_wei", people, school)).toBe("张伟");
    expect(personLabel("wang_zhiyuan", people, school)).toBe("王志远");
    expect(personLabel("liu_xin", people)).toBe("刘鑫");
  });

  it("shows the account of a reporter listed without a name", () => {
    expect(personLabel("li_na", people, school)).toBe("li_na");
  });

  it("marks an account no longer listed, never showing it bare", () => {
    expect(personLabel("hu_bin", people, school)).toBe("hu_bin（已不在名单）");
    expect(personLabel("zhang_wei", people)).toBe("zhang_wei（已不在名单）");
  });

  it("passes names, and only names, through showName", () => {
    const show = (name: string) => `[${name}]`;
    expect(personLabel("zhang_wei", people, school, show)).toBe("[张伟]");
    expect(personLabel("hu_bin", people, school, show)).toBe("hu_bin（已不在名单）");
  });
});
