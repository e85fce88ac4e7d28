import { expect, it } from "vitest";
import { createStringFinder, findFolded } from "../../src/text/words.js";

it("finds every occurrence of every string, nested and overlapping ones too, a string given twice once for each", () => {
  const find = createStringFinder([
    { key: "平安县第一小学", value: "school" },
    { key: "平安县", value: "county" },
    { key: "安县第一", value: "inside" },
    { key: "一小", value: "short" },
    { key: "一小", value: "short again" },
    { key: "", value: "empty" },
  ]);
  const found = find("报平安县第一小学平安");
  const sorted = [...found].sort((a, b) => a.start - b.start || a.end - b.end || String(a.value).localeCompare(String(b.value)));
  expect(sorted).toEqual([
    { value: "county", start: 1, end: 4 },
    { value: "school", start: 1, end: 8 },
    { value: "inside", start: 2, end: 6 },
    { value: "short", start: 5, end: 7 },
    { value: "short again", start: 5, end: 7 },
  ]);
  expect(find("平安县第一")).toEqual([{ value: "county", start: 0, end: 3 }, { value: "inside", start: 1, end: 5 }]);
  expect(find("")).toEqual([]);
});

it("finds strings as a keyword is folded (full width, traditional script, case), each with the string as given", () => {
  const names = ["東湖小學", "ＣＧ001"];
  expect(findFolded("东湖小学 cg001 平安", names)).toEqual([
    { value: "東湖小學", start: 0, end: 4 },
    { value: "ＣＧ001", start: 5, end: 10 },
  ]);
  expect(findFolded("东湖中学", names)).toEqual([]);
});
