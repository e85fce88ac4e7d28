import { readFileSync, writeFileSync } from "node:fs";
import { join, dirname } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { CodedError, ErrorCode, hasCode } from "../../src/errors.js";
import { loadConfig } from "../../src/config/load-config.js";
import { parseRoster } from "../../src/config/parse-roster.js";
import { createRoster } from "../../src/config/roster.js";
import { areaKey, findNode, formatNodePath, isUnder } from "../../src/config/roster-tree.js";
import { resolveGroupSchools, rosterOfGroup, rosterOfPerson } from "../../src/config/scope.js";
import { writeTreeDeployment } from "../support/tree-deployment.js";

const tree = writeTreeDeployment();
afterAll(() => tree.remove());
const ENV = { WECOM_TOKEN: "t", WECOM_ENCODING_AES_KEY: "a".repeat(43), WEBHOOK_KEY_PRINCIPALS: "p", WEBHOOK_KEY_LEADERS: "l" };
const rosterPath = join(dirname(tree.path), "tree.csv");
const treeCsv = readFileSync(rosterPath, "utf8");

async function problemsOf(csv: string) {
  const error = await parseRoster(Buffer.from(csv), "tree.csv").then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(hasCode(error, ErrorCode.ConfigInvalid)).toBe(true);
  return (error as CodedError<ErrorCode.ConfigInvalid>).details.problems.map((p) => [p.line, p.key, p.message]);
}

describe("the roster as a tree", () => {
  it("reads 省, 市, 县（区） and 片区 into one node per path: each county's 城关片区 is its own", async () => {
    const { schools } = await parseRoster(Buffer.from(treeCsv), "tree.csv");
    const roster = createRoster(schools);
    expect(schools[0]).toMatchObject({ code: "T01", province: "平安省", city: "平安市", county: "平安县", area: "城关片区" });
    const [province] = roster.root.children;
    expect(province!.children.map((city) => city.name)).toEqual(["平安市", "安宁市"]);
    const counties = province!.children.flatMap((city) => city.children);
    expect(counties.map(formatNodePath)).toEqual(["平安省/平安市/平安县", "平安省/平安市/城东区", "平安省/安宁市/安宁县", "平安省/安宁市/南山县"]);
    const chengguan = counties.map((county) => county.children.find((area) => area.name === "城关片区")!);
    expect(chengguan.map((area) => area.schools.map((s) => s.code))).toEqual([["T01", "T02"], ["T05", "T06"], ["T09", "T10"], ["T13", "T14"]]);
    expect(new Set(schools.map(areaKey)).size).toBe(8);
  });

  it("finds a node by its path, with or without the one province above it, and refuses one not on the roster", async () => {
    const roster = createRoster((await parseRoster(Buffer.from(treeCsv), "tree.csv")).schools);
    expect(findNode(roster.root, undefined)).toBe(roster.root);
    expect(formatNodePath(findNode(roster.root, "平安市／平安县")!)).toBe("平安省/平安市/平安县");
    expect(findNode(roster.root, "平安省/安宁市/南山县/城关片区")!.schools.map((s) => s.code)).toEqual(["T13", "T14"]);
    expect(findNode(roster.root, "平安市/南山县")).toBeUndefined();
    const county = findNode(roster.root, "安宁市/南山县")!;
    expect(roster.schools.filter((s) => isUnder(county, s)).map((s) => s.code)).toEqual(["T13", "T14", "T15", "T16"]);
  });

  it("leaves a county's roster as it was: no level above the 片区, the area counted by its name", async () => {
    const { schools } = await parseRoster(readFileSync("config/schools.example.csv"), "schools.example.csv");
    expect(schools.every((s) => areaKey(s) === s.area && s.county === undefined)).toBe(true);
    const roster = createRoster(schools);
    expect(roster.root.children.every((node) => node.level === "area")).toBe(true);
  });

  it("refuses a row that leaves a level empty or names one with a /, each with its line", async () => {
    const lines = treeCsv.trimEnd().split("\n");
    lines[3] = lines[3]!.replace(",平安县,", ",,");
    lines[5] = lines[5]!.replace(",平安市,", ",平安/市,");
    expect(await problemsOf(`${lines.join("\n")}\n`)).toEqual([
      [4, "县（区）", "缺少县"],
      [6, "市", '市 "平安/市" 不能含 /（配置里用 / 分隔上下级，例如 平安市/平安县）'],
    ]);
  });

  it("scopes a person or a group to his node's schools, and an unknown one to none", async () => {
    const { config, roster } = await loadConfig({ path: tree.path, env: ENV });
    expect(rosterOfPerson(roster, config, "lead_city2").schools.map((s) => s.code)).toEqual(["T09", "T10", "T11", "T12", "T13", "T14", "T15", "T16"]);
    expect(rosterOfPerson(roster, config, "liu_xin").schools).toHaveLength(16);
    expect(rosterOfPerson(roster, config, "nobody").schools).toEqual([]);
    expect(rosterOfGroup(roster, config, "schools2").schools.map((s) => s.code)).toEqual(["T05", "T06", "T07", "T08"]);
    expect(rosterOfPerson(roster, config, "lead_city2")).toBe(rosterOfPerson(roster, config, "lead_city2"));
  });

  it("finds a group's schools by 片区 or code after NFKC, in roster order, within its node, once per roster", async () => {
    const { roster } = await loadConfig({ path: tree.path, env: ENV });
    const group = { schools: ["Ｔ03", "城关片区", "无此片区", "T03"] };
    const held = resolveGroupSchools(group, roster);
    expect(held.schools.map((s) => s.code)).toEqual(["T01", "T02", "T03", "T05", "T06", "T09", "T10", "T13", "T14"]);
    expect(held.unknown).toEqual([2]);
    expect(resolveGroupSchools(group, roster)).toBe(held);
    const county = resolveGroupSchools({ node: "平安市/城东区", schools: ["城关片区", "T01"] }, roster);
    expect(county.schools.map((s) => s.code)).toEqual(["T05", "T06"]);
    expect(county.unknown).toEqual([1]);
    expect(resolveGroupSchools({ schools: "all" }, roster).schools).toHaveLength(16);
  });

  it("refuses a node the roster lacks, at the line of the config that names it", async () => {
    const yaml = readFileSync(tree.path, "utf8").replace("node: 安宁市/南山县\n", "node: 安宁市/南川县\n");
    const path = join(dirname(tree.path), "typo.yaml");
    writeFileSync(path, yaml);
    const error = await loadConfig({ path, env: ENV }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(hasCode(error, ErrorCode.ConfigInvalid)).toBe(true);
    const problems = (error as CodedError<ErrorCode.ConfigInvalid>).details.problems;
    const line = yaml.split("\n").findIndex((l) => l.includes("南川县")) + 1;
    expect(problems.map((p) => [p.line, p.message, p.hint])).toEqual([
      [line, '名单里没有 "安宁市/南川县" 这一级（node 写名单中的 市/县 名称，用 / 分隔上下级）', "是否想写 安宁市/南山县？"],
    ]);
  });
});
