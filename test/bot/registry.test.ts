import { describe, expect, it } from "vitest";
import { commands } from "../../commands/index.js";
import { createCommandRegistry } from "../../src/bot/registry.js";
import { defineCommand } from "../../src/bot/command.js";
import { normalizeText } from "../../src/bot/normalize.js";

const spec = (id: string, aliases: string[]) =>
  defineCommand({ id, aliases, roles: "anyone", summary: "", examples: [], parse: () => ({}), run: async () => "" });

describe("createCommandRegistry", () => {
  it("refuses a duplicate id and a keyword claimed twice", () => {
    expect(() => createCommandRegistry([spec("a", ["甲"]), spec("a", ["乙"])])).toThrow('command id "a" is declared twice');
    expect(() => createCommandRegistry([spec("a", ["甲"]), spec("b", ["甲"])])).toThrow('keyword "甲" is claimed by both "a" and "b"');
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
});
