import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseRoster } from "../../src/config/parse-roster.js";
import { personLabel, type School } from "../../src/config/roster.js";

/** The example roster's 城关一小 (zhang_wei|li_na), with 李娜's name left out. */
const example = (await parseRoster(readFileSync("config/schools.example.csv"), "config/schools.example.csv")).schools[0]!;
const school: School = { ...example, reporterNames: ["张伟", ""] };
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
