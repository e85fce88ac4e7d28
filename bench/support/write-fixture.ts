import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseDocument } from "yaml";
import { TEST_ENV } from "../../test/support/test-env.js";


/** A fictional school of the generated roster. */
export interface FixtureSchool {
  code: string;
  name: string;
  shortName: string;
  area: string;
  /** With `tree`: the school's city and county (the province is PROVINCE). */
  city?: string;
  county?: string;
  reporter: string;
  pupils: number;
}

export interface BenchFixture {
  dir: string;
  configPath: string;
  schools: FixtureSchool[];
  areas: string[];
  /** Userids of the leaders in the config. */
  leaders: string[];
  /** With `tree`: a leader bound to the province, to its first city and to that city's first county. */
  nodeLeaders?: { level: "province" | "city" | "county"; userid: string; node: string }[];
  env: typeof TEST_ENV;
}

export interface FixtureOptions {
  dir: string;
  schools: number;
  areas: number;
  leaders?: number;
  /**
   * A province's roster instead of a county's: the schools spread evenly over `counties` counties
   * in `cities` cities of one province, `areas` 片区 in each county.
   */
  tree?: { cities: number; counties: number };
  /**
   * Every kind of the example config enabled (its seven), each owed every day of the year (no
   * season, no summer schedule, days: all): the most a day can hold. Default: the example's own
   * (its three of today enabled).
   */
  allKinds?: boolean;
}

/**
 * When a bench's service starts (its clock then moved to the bench's day): the service's first
 * day (store/roster-days.ts), before the days a bench seeds, which are owed by nobody otherwise.
 */
export const BENCH_FIRST_DAY = new Date("2026-09-01T08:00:00+08:00");

/** The province of a tree fixture. */
export const PROVINCE = "平安省";

const STEMS = [..."东南西北青石云松桃李清河白沙金山玉泉龙凤梅林红岩长岭新城古镇平湖高桥"];

/** A distinct two-character place name for each area index (enough for hundreds of areas). */
function areaName(index: number): string {
  const n = STEMS.length;
  return `${STEMS[index % n]}${STEMS[(index + 1 + Math.floor(index / n)) % n]}片区`;
}

/**
 * Writes a fictional roster CSV (one reporter per school, schools spread evenly over the areas)
 * and a config that is the example config with that roster and `leaders` leaders, into `dir`.
 */
export function writeBenchFixture({ dir, schools: count, areas: areaCount, leaders: leaderCount = 4, tree, allKinds = false }: FixtureOptions): BenchFixture {
  mkdirSync(dir, { recursive: true });
  const areas = Array.from({ length: areaCount }, (_, i) => areaName(i));
  const counties = tree?.counties ?? 1;
  const schools: FixtureSchool[] = [];
  for (let i = 0; i < count; i += 1) {
    // In a tree, each county has the same 片区 names: distinct nodes by their path.
    const county = Math.floor((i * counties) / count);
    const within = i - Math.ceil((county * count) / counties);
    const perCounty = Math.ceil(((county + 1) * count) / counties) - Math.ceil((county * count) / counties);
    const area = areas[Math.floor((within * areaCount) / perCounty)]!;
    const place = tree && { city: `第${Math.floor((county * tree.cities) / counties) + 1}市`, county: `第${county + 1}县` };
    const stem = area.slice(0, 2);
    const middle = i % 5 === 4;
    const n = String(i + 1).padStart(5, "0");
    schools.push({
      code: `S${n}`,
      name: `${stem}县第${i + 1}${middle ? "中学" : "小学"}`,
      shortName: `${stem}${i + 1}${middle ? "中" : "小"}`,
      area,
      ...place,
      reporter: `p${n}`,
      pupils: 300 + ((i * 7919) % 2200),
    });
  }
  const levels = (s: FixtureSchool) => (tree ? [PROVINCE, s.city, s.county] : []);
  const csv = [
    `学校代码,学校名称,简称,${tree ? "省,市,县," : ""}片区,学段,上报人,学生数,教职工数`,
    ...schools.map((s) =>
      [s.code, s.name, s.shortName, ...levels(s), s.area, s.name.endsWith("中学") ? "初中" : "小学", s.reporter, s.pupils, Math.ceil(s.pupils / 18)].join(","),
    ),
  ].join("\n");
  writeFileSync(join(dir, "schools.csv"), `${csv}\n`);

  const leaders = Array.from({ length: leaderCount }, (_, i) => `leader_${i + 1}`);
  const first = schools[0];
  const nodeLeaders =
    tree && first
      ? [
          { level: "province" as const, userid: "lead_province", node: PROVINCE },
          { level: "city" as const, userid: "lead_city", node: `${first.city}` },
          { level: "county" as const, userid: "lead_county", node: `${first.city}/${first.county}` },
        ]
      : undefined;
  const example = readFileSync(resolve("config/pingan.example.yaml"), "utf8");
  const doc = parseDocument(example);
  doc.set("roster", "schools.csv");
  doc.set("leaders", [...leaders.map((userid, i) => ({ userid, name: `领导${i + 1}` })), ...(nodeLeaders ?? []).map(({ userid, node }) => ({ userid, name: userid, node }))]);
  if (allKinds) {
    for (const id of Object.keys((doc.toJS() as { tasks: object }).tasks)) {
      for (const key of ["enabled", "season", "summer"]) doc.deleteIn(["tasks", id, key]);
      doc.setIn(["tasks", id, "days"], "all");
    }
  }
  const configPath = join(dir, "pingan.yaml");
  writeFileSync(configPath, doc.toString());
  return { dir, configPath, schools, areas, leaders, ...(nodeLeaders && { nodeLeaders }), env: { ...TEST_ENV } };
}
