import { describe, expect, it } from "vitest";
import { createCommands } from "../../commands/index.js";
import { loadConfig } from "../../src/config/load-config.js";
import { TEST_ENV } from "../support/test-env.js";
import { createCommandRegistry } from "../../src/bot/registry.js";
import { defineCommand, type CommandSpec } from "../../src/bot/command.js";
import { normalizeText } from "../../src/text/words.js";

/** The commands of the example config, as the service builds them. */
const commands = createCommands((await loadConfig({ path: "config/pingan.example.yaml", env: TEST_ENV })).config);

const spec = (id: string, aliases: string[], extra: Partial<CommandSpec> = {}) =>
  defineCommand({ id, aliases, roles: "anyone", services: [], summary: "", examples: [], parse: () => ({}), run: async () => "", ...extra });

describe("createCommandRegistry", () => {
  it("refuses a duplicate id and a keyword claimed twice", () => {
    expect(() => createCommandRegistry([spec("a", ["甲"]), spec("a", ["乙"])])).toThrow('command id "a" is declared twice');
    expect(() => createCommandRegistry([spec("a", ["甲"]), spec("b", ["甲"])])).toThrow('keyword "甲" is claimed by both "a" and "b"');
  });

  it("refuses a keyword claimed twice in two scripts (報平安 is 报平安)", () => {
    expect(() => createCommandRegistry([spec("a", ["报平安"]), spec("b", ["報平安"])])).toThrow('keyword "報平安" is claimed by both "a" and "b"');
    expect(() => createCommandRegistry([spec("a", ["本校"]), spec("b", [], { firstWords: ["本校"] })])).toThrow("claimed by both");
  });

  it("refuses two commands answering the taps of one topic, and takes one per topic", () => {
    const tap = async () => ({ id: "c", title: "", buttons: [] });
    expect(() => createCommandRegistry([spec("a", ["甲"], { tap }), spec("b", ["乙"], { tap })])).toThrow('card taps are answered by both "a" and "b"');
    expect(() => createCommandRegistry([spec("a", ["甲"], { tap, tapTopic: "x" }), spec("b", ["乙"], { tap, tapTopic: "x" })])).toThrow('card taps on "x" are answered by both "a" and "b"');
    expect(() => createCommandRegistry([spec("a", ["甲"], { tap }), spec("b", ["乙"], { tap, tapTopic: "x" })])).not.toThrow();
  });

  it("accepts the product's command list", () => {
    expect(() => createCommandRegistry(commands)).not.toThrow();
  });

  it("matches the longest keyword, with or without a separator, and passes the rest", () => {
    const registry = createCommandRegistry([spec("short", ["平安"]), spec("long", ["平安日报"])]);
    const match = registry.match(normalizeText("平安日报：在校1200", "bot"));
    expect(match?.spec.id).toBe("long");
    expect(match?.input.folded).toBe("在校1200");
    expect(match?.input.original()).toBe("在校1200");
    expect(registry.match(normalizeText("平安在校1200", "bot"))?.input.folded).toBe("在校1200");
    expect(registry.match(normalizeText("你好", "bot"))).toBeUndefined();
  });

  it("finds the leftmost keyword anywhere, longest at one place, and gives the words before it", () => {
    const registry = createCommandRegistry([spec("safety", ["平安", "无异常"]), spec("abnormal", ["异常"]), spec("remind", ["提醒"])]);
    const match = (text: string) => registry.match(normalizeText(text, "bot"));
    expect(match("🙏平安")).toMatchObject({ spec: { id: "safety" }, atStart: false, input: { before: "🙏", folded: "" } });
    expect(match("东湖小学今日平安！")).toMatchObject({ input: { before: "东湖小学今日", folded: "!" } });
    // 无异常 is one keyword, never 异常 inside it.
    expect(match("今日无异常")?.spec.id).toBe("safety");
    expect(match("异常 学生在平安路摔伤")?.spec.id).toBe("abnormal");
    expect(match("今天有异常：积水")?.input).toMatchObject({ before: "今天有", folded: "积水", whole: "今天有异常：积水" });
  });

  it("hands the command where the names it ignored are in the words around the keyword, those of its one look at the message", () => {
    const registry = createCommandRegistry([spec("safety", ["平安"])]);
    const ignore = ["城关一小", "CG002"];
    const around = (text: string) => registry.match(normalizeText(text, "bot"), { ignore })?.input.around;
    // Before the keyword where they were; after it, moved past the keyword and the separators beside it.
    expect(around("城关一小 平安：cg002 在校50")).toEqual(expect.objectContaining({ folded: "城关一小 cg002 在校50" }));
    expect(around("城关一小 平安：cg002 在校50")?.named).toEqual([
      { value: "城关一小", start: 0, end: 4 },
      { value: "CG002", start: 5, end: 10 },
    ]);
    expect(around("平安 城关一小")?.named).toEqual([{ value: "城关一小", start: 0, end: 4 }]);
    expect(around("平安")?.named).toEqual([]);
    // Told of nothing to ignore, it hands nothing down: a reader then looks for itself.
    expect(registry.match(normalizeText("城关一小 平安", "bot"))?.input.around.named).toBeUndefined();
  });

  it("reads a message as typed: folded for the parsers, and the command it names", () => {
    const registry = createCommandRegistry([spec("safety", ["平安"])]);
    const read = registry.read("@平安助手 報平安 城關一小", "平安助手", { ignore: ["城关一小"] });
    expect(read.text.folded).toBe("报平安 城关一小");
    expect(read.match).toMatchObject({ spec: { id: "safety" }, input: { before: "报", folded: "城关一小" } });
    expect(registry.read("@平安助手", "平安助手")).toEqual({ text: expect.objectContaining({ folded: "" }) });
    expect(registry.read("你好", "平安助手").match).toBeUndefined();
  });

  it("never reads a keyword inside a name it is told to ignore", () => {
    const registry = createCommandRegistry([spec("safety", ["平安"])]);
    const text = normalizeText("平安县东湖镇中心小学 平安", "bot");
    expect(registry.match(text, { ignore: ["平安县东湖镇中心小学"] })?.input.before).toBe("平安县东湖镇中心小学");
    expect(registry.match(normalizeText("平安县东湖镇中心小学", "bot"), { ignore: ["平安县东湖镇中心小学"] })).toBeUndefined();
  });

  it("passes over a keyword inside the message that the sender may not use, but not one he starts with", () => {
    const leaderOnly = spec("remind", ["提醒"], { roles: ["leader"] });
    const registry = createCommandRegistry([leaderOnly, spec("drowning", ["防溺水"], { roles: ["reporter"] })]);
    const reporter = { allowed: (s: CommandSpec) => s.roles === "anyone" || s.roles.includes("reporter") };
    expect(registry.match(normalizeText("已提醒家长 防溺水 830", "bot"), reporter)?.spec.id).toBe("drowning");
    expect(registry.match(normalizeText("提醒 防溺水", "bot"), reporter)).toMatchObject({ spec: { id: "remind" }, atStart: true });
    // Nothing he may use: the first keyword, for a refusal that fits.
    expect(registry.match(normalizeText("已提醒家长", "bot"), reporter)).toMatchObject({ spec: { id: "remind" }, atStart: false });
  });

  it("reads a first-word keyword only as the first word, and not for a sender who may not use it unless nothing else is found", () => {
    const status = spec("status", ["状态"], { firstWords: ["本校"], roles: ["reporter"] });
    const registry = createCommandRegistry([status, spec("safety", ["平安"], { roles: ["reporter"] }), spec("missing", ["未报"], { roles: ["leader"] })]);
    const reporter = { allowed: (s: CommandSpec) => s.roles !== "anyone" && s.roles.includes("reporter") };
    const leader = { allowed: (s: CommandSpec) => s.roles !== "anyone" && s.roles.includes("leader") };
    expect(registry.match(normalizeText("本校", "bot"), reporter)?.spec.id).toBe("status");
    expect(registry.match(normalizeText("本校 东湖小学", "bot"), reporter)?.input.folded).toBe("东湖小学");
    expect(registry.match(normalizeText("本校今日平安", "bot"), reporter)?.spec.id).toBe("safety");
    expect(registry.match(normalizeText("本校 未报", "bot"), leader)?.spec.id).toBe("missing");
    expect(registry.match(normalizeText("本校", "bot"), leader)?.spec.id).toBe("status");
  });
});
