import { describe, expect, it } from "vitest";
import { createRoster, type School } from "../../../src/config/roster.js";
import { blankSchoolNames, resolveSchool } from "../../../src/features/check-in/kind-readers.js";
import { createCommandRegistry } from "../../../src/bot/registry.js";
import type { CommandSpec } from "../../../src/bot/command.js";
import { hasCode, ErrorCode } from "../../../src/errors.js";
import { quoteAsFolded, quoteAsTyped } from "../../../src/text/words.js";

function school(code: string, name: string, shortName = "", area = "城关片区"): School {
  return { code, name, shortName, area, stage: "小学", reporters: [`r_${code}`], pupils: 1, staff: 1, line: 2 };
}

const first = school("CG001", "平安县城关第一小学", "城关一小");
const second = school("CG002", "平安县城关第二小学", "城关二小");
const lingtou = school("FL002", "平安县枫林乡岭头小学", "岭头小学", "枫林片区");
const roster = createRoster([first, second, lingtou]);
const safety = { id: "safety", aliases: ["平安"], roles: ["reporter"], services: [], parse: () => ({}), run: async () => "" } as unknown as CommandSpec;
const registry = createCommandRegistry([safety]);
/** The words around 平安 as the dispatcher hands them to a reader, with the names its one look found. */
const around = (typed: string) => registry.read(typed, "bot", { ignore: roster.identifiers }).match!.input.around;

describe("resolveSchool", () => {
  const ctx = { schools: [first, second], roster };

  it("reads the school from the names the registry handed down as from its own look at the words", () => {
    for (const typed of ["城关一小 平安", "平安 cg002 在校50", "平安 CG0020", "平安 城关一小 城关二小", "平安 岭头小学", "平安 在校50"]) {
      const words = around(typed);
      expect(words.named, typed).toBeDefined();
      const handed = attempt(() => resolveSchool(ctx, words.folded, quoteAsFolded, words.named));
      expect(handed, typed).toEqual(attempt(() => resolveSchool(ctx, words.folded, quoteAsFolded)));
    }
    expect(resolveSchool(ctx, around("城关一小 平安").folded, quoteAsFolded, around("城关一小 平安").named)).toEqual({ school: first, rest: "    " });
  });

  it("asks about a part of a name two of his schools share, quoting it as typed", () => {
    const words = around("平安 城關");
    expect(() => resolveSchool(ctx, words.folded, quoteAsTyped(words), words.named)).toThrow(/^“城關”对应多所学校/u);
  });

  it("takes a code only as a whole word, and the longer of two names at one place", () => {
    expect(attempt(() => resolveSchool(ctx, "cg0010 在校50", quoteAsFolded))).toBe(ErrorCode.Usage);
    expect(resolveSchool(ctx, "在校50 cg002", quoteAsFolded).school).toBe(second);
    expect(resolveSchool({ schools: [lingtou], roster }, "平安县枫林乡岭头小学", quoteAsFolded).rest).toBe(" ".repeat(10));
  });

  it("leaves out the schools of a node's roster outside it, for a leader", () => {
    const node = roster.root.children.find((child) => child.schools.includes(lingtou))!;
    const part = roster.within(node);
    expect(blankSchoolNames("岭头小学 城关一小", part)).toBe("     城关一小");
    expect(blankSchoolNames("岭头小学 城关一小", roster)).toBe(" ".repeat(9));
  });
});

/** What resolveSchool answered, or the code it refused with. */
function attempt(run: () => unknown): unknown {
  try {
    return run();
  } catch (error) {
    return hasCode(error, ErrorCode.Usage) ? ErrorCode.Usage : hasCode(error, ErrorCode.NotYourSchool) ? ErrorCode.NotYourSchool : error;
  }
}
