import { describe, expect, it } from "vitest";
import { parseDocument } from "yaml";
import { expandEnv } from "../../src/config/expand-env.js";

function expand(yaml: string, env: Record<string, string | undefined>) {
  const doc = parseDocument(yaml);
  const result = expandEnv(doc, env);
  return { value: doc.toJS() as unknown, problems: result.problems, fromEnv: [...result.fromEnv] };
}

describe("expandEnv", () => {
  it("replaces references inside strings, in maps and lists, never keys", () => {
    const { value, problems, fromEnv } = expand(
      "a: ${A}\nb: pre-${A}-${B:-dflt}-post\nlist: [x, '${B:-y}']\n${A}: 1\nn: 42\n",
      { A: "alpha" },
    );
    expect(problems).toEqual([]);
    expect(value).toEqual({ a: "alpha", b: "pre-alpha-dflt-post", list: ["x", "y"], "${A}": 1, n: 42 });
    expect(fromEnv).toEqual(['["a"]', '["b"]', '["list",1]']);
  });

  it("treats an empty variable as unset and names each missing variable once", () => {
    const { problems } = expand("a: ${A}${A}\nb:\n  c: ${C}\n", { A: "" });
    expect(problems.map((p) => [p.path, p.message])).toEqual([
      [["a"], "环境变量 A 没有设置"],
      [["b", "c"], "环境变量 C 没有设置"],
    ]);
  });

  it("drops a key whose whole value is ${NAME:-} and NAME is unset", () => {
    expect(expand("a: ${A:-}\nb: x${A:-}\n", {}).value).toEqual({ b: "x" });
    expect(expand("a: ${A:-}\n", { A: "set" }).value).toEqual({ a: "set" });
  });

  it("keeps $${ as a literal ${ and flags malformed references", () => {
    expect(expand("a: $${A}\n", { A: "no" }).value).toEqual({ a: "${A}" });
    const { problems } = expand("a: ${not a name}\nb: ${UNCLOSED\n", {});
    expect(problems.map((p) => [p.path, p.message])).toEqual([
      [["a"], "环境变量引用的写法不对"],
      [["b"], "环境变量引用的写法不对"],
    ]);
  });
});
