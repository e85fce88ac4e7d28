import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** A county of the tree deployment: its city, its 片区 (each county has a 城关片区: distinct by path). */
const COUNTIES = [
  { city: "平安市", county: "平安县", areas: ["城关片区", "东部片区"] },
  { city: "平安市", county: "城东区", areas: ["城关片区", "江南片区"] },
  { city: "安宁市", county: "安宁县", areas: ["城关片区", "西部片区"] },
  { city: "安宁市", county: "南山县", areas: ["城关片区", "北部片区"] },
] as const;

const PROVINCE = "平安省";
const SCHOOLS_PER_AREA = 2;

export interface TreeSchool {
  code: string;
  /** 第01号学校 …: no name holds another, so a reply that names one names no other. */
  name: string;
  reporter: string;
  /** 省, 市, 县, 片区. */
  path: readonly string[];
}

export interface TreeLeader {
  userid: string;
  /** The node as the config binds it ("" for the whole deployment). */
  node: string;
  /** The path prefix a school must have to be in his scope. */
  scope: readonly string[];
  /** His node's leaders group, by the name the fake webhook knows it by. */
  groupName: string;
}

export interface TreeDeployment {
  path: string;
  schools: readonly TreeSchool[];
  leaders: readonly TreeLeader[];
  /** Each county's schools group name, by county. */
  schoolGroups: ReadonlyMap<string, string>;
  /** Webhook key → group name, for startHarness. */
  webhookKeys: Record<string, string>;
  remove(): void;
}

/**
 * The example config turned into a province's deployment: 1 province, 2 cities, 4 counties of
 * two 片区 each (16 schools); a leader and a leaders group at every level (the province's group is
 * `leaders`, which the tasks' tallies name), a schools group per county.
 */
export function writeTreeDeployment(): TreeDeployment {
  const schools: TreeSchool[] = [];
  for (const { city, county, areas } of COUNTIES) {
    for (const area of areas) {
      for (let i = 0; i < SCHOOLS_PER_AREA; i += 1) {
        const n = String(schools.length + 1).padStart(2, "0");
        schools.push({ code: `T${n}`, name: `第${n}号学校`, reporter: `r${n}`, path: [PROVINCE, city, county, area] });
      }
    }
  }
  const csv = ["学校代码,学校名称,省,市,县（区）,片区,学段,上报人,学生数,教职工数"];
  for (const s of schools) csv.push([s.code, s.name, ...s.path, "小学", s.reporter, "100", "10"].join(","));

  const leaders: TreeLeader[] = [{ userid: "lead_province", node: PROVINCE, scope: [PROVINCE], groupName: "省领导群" }];
  const groups: string[] = ["  leaders:", "    name: 省领导群", "    webhook_key: key-leaders", "    role: leaders", `    node: ${PROVINCE}`];
  const webhookKeys: Record<string, string> = { "key-leaders": "省领导群" };
  const schoolGroups = new Map<string, string>();
  const cities = [...new Set(COUNTIES.map((c) => c.city))];
  cities.forEach((city, i) => {
    const id = `city${i + 1}`;
    leaders.push({ userid: `lead_${id}`, node: city, scope: [PROVINCE, city], groupName: `${city}领导群` });
    groups.push(`  ${id}:`, `    name: ${city}领导群`, `    webhook_key: key-${id}`, "    role: leaders", `    node: ${city}`);
    webhookKeys[`key-${id}`] = `${city}领导群`;
  });
  COUNTIES.forEach(({ city, county }, i) => {
    const id = `county${i + 1}`;
    leaders.push({ userid: `lead_${id}`, node: `${city}/${county}`, scope: [PROVINCE, city, county], groupName: `${county}领导群` });
    groups.push(`  ${id}:`, `    name: ${county}领导群`, `    webhook_key: key-${id}`, "    role: leaders", `    node: ${city}/${county}`);
    groups.push(`  schools${i + 1}:`, `    name: ${county}校长群`, `    webhook_key: key-schools${i + 1}`, "    role: schools", `    node: ${PROVINCE}/${city}/${county}`);
    webhookKeys[`key-${id}`] = `${county}领导群`;
    webhookKeys[`key-schools${i + 1}`] = `${county}校长群`;
    schoolGroups.set(county, `${county}校长群`);
  });

  let yaml = readFileSync("config/pingan.example.yaml", "utf8");
  const replace = (pattern: RegExp, by: string) => {
    if (!pattern.test(yaml)) throw new Error(`the example config has no ${pattern}`);
    yaml = yaml.replace(pattern, by);
  };
  replace(/^groups:\n[\s\S]*?\n(?=\n# 局领导)/m, `groups:\n${groups.join("\n")}\n`);
  replace(/^leaders:\n[\s\S]*?\n(?=\n# 管理员)/m, `leaders:\n${leaders.map((l) => `  - userid: ${l.userid}\n    name: 领导${l.userid}\n    node: ${l.node}`).join("\n")}\n`);
  replace(/^roster: schools\.example\.csv$/m, "roster: tree.csv");
  const dir = mkdtempSync(join(tmpdir(), "pingan-tree-"));
  writeFileSync(join(dir, "tree.csv"), `${csv.join("\n")}\n`);
  const path = join(dir, "pingan.yaml");
  writeFileSync(path, yaml);
  return { path, schools, leaders, schoolGroups, webhookKeys, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Whether a school is in a leader's scope: its path starts with his. */
export function inScope(leader: Pick<TreeLeader, "scope">, school: TreeSchool): boolean {
  return leader.scope.every((name, i) => school.path[i] === name);
}
