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
  env: typeof TEST_ENV;
}

export interface FixtureOptions {
  dir: string;
  schools: number;
  areas: number;
  leaders?: number;
}

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
export function writeBenchFixture({ dir, schools: count, areas: areaCount, leaders: leaderCount = 4 }: FixtureOptions): BenchFixture {
  mkdirSync(dir, { recursive: true });
  const areas = Array.from({ length: areaCount }, (_, i) => areaName(i));
  const schools: FixtureSchool[] = [];
  for (let i = 0; i < count; i += 1) {
    const area = areas[Math.floor((i * areaCount) / count)]!;
    const stem = area.slice(0, 2);
    const middle = i % 5 === 4;
    const n = String(i + 1).padStart(5, "0");
    schools.push({
      code: `S${n}`,
      name: `${stem}县第${i + 1}${middle ? "中学" : "小学"}`,
      shortName: `${stem}${i + 1}${middle ? "中" : "小"}`,
      area,
      reporter: `p${n}`,
      pupils: 300 + ((i * 7919) % 2200),
    });
  }
  const csv = [
    "学校代码,学校名称,简称,片区,学段,上报人,学生数,教职工数",
    ...schools.map((s) => [s.code, s.name, s.shortName, s.area, s.name.endsWith("中学") ? "初中" : "小学", s.reporter, s.pupils, Math.ceil(s.pupils / 18)].join(",")),
  ].join("\n");
  writeFileSync(join(dir, "schools.csv"), `${csv}\n`);

  const leaders = Array.from({ length: leaderCount }, (_, i) => `leader_${i + 1}`);
  const example = readFileSync(resolve("config/pingan.example.yaml"), "utf8");
  const doc = parseDocument(example);
  doc.set("roster", "schools.csv");
  doc.set("leaders", leaders.map((userid, i) => ({ userid, name: `领导${i + 1}` })));
  const configPath = join(dir, "pingan.yaml");
  writeFileSync(configPath, doc.toString());
  return { dir, configPath, schools, areas, leaders, env: { ...TEST_ENV } };
}
