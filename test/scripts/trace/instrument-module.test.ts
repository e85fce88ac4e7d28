import { runInNewContext } from "node:vm";
import { describe, expect, it } from "vitest";
import { instrumentModule, TRACE_GLOBAL } from "../../../scripts/trace/instrument-module.js";

/** Runs instrumented script code; returns what it left in `out` and the functions it entered, in order. */
function run(source: string): { out: Record<string, unknown>; entered: string[] } {
  const entered: string[] = [];
  const out: Record<string, unknown> = {};
  const code = instrumentModule(source, "src/x.ts");
  runInNewContext(code, { out, [TRACE_GLOBAL]: (file: string, fn: string) => entered.push(`${file} ${fn}`) });
  return { out, entered: entered.map((e) => e.replace(/^src\/x\.ts /u, "")) };
}

describe("instrumentModule", () => {
  it("enters every kind of function once per call, named as a reader would name it, and the module itself", () => {
    const { entered } = run(`
      function declared() { return 1; }
      const arrow = (x) => x + 1;
      const obj = { method() { return 3; }, get value() { return 4; }, prop: function () { return 5; } };
      class Base { constructor() { this.b = 1; } }
      class Thing extends Base {
        constructor() { super(); }
        run() { return [1, 2].map((n) => n * 2); }
        static make() { return new Thing(); }
      }
      declared(); arrow(1); obj.method(); obj.value; obj.prop(); Thing.make().run();
    `);
    expect(entered).toEqual([
      "<module>",
      "declared",
      "arrow",
      "method",
      "value",
      "prop",
      "Thing.make",
      "Thing.constructor",
      "Base.constructor",
      "Thing.run",
      "<anonymous>:8",
      "<anonymous>:8",
    ]);
  });

  it("leaves what the code does as it was: expression bodies, object literals, async functions, this", async () => {
    const { out } = run(`
      const literal = () => ({ a: 1 });
      const comma = (x) => (x, x * 2);
      const later = async () => { await null; return "done"; };
      const self = { n: 7, get() { return this.n; } };
      out.literal = literal(); out.comma = comma(3); out.later = later(); out.self = self.get();
    `);
    expect(out.literal).toEqual({ a: 1 });
    expect(out.comma).toBe(6);
    expect(out.self).toBe(7);
    await expect(out.later).resolves.toBe("done");
  });

  it("keeps line numbers (calls are inserted within lines)", () => {
    const source = "function a() {\n  return 1;\n}\nconst b = () =>\n  2;\n";
    expect(instrumentModule(source, "src/x.ts").split("\n")).toHaveLength(source.split("\n").length);
  });
});
