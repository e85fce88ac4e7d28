import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadConfig } from "../../src/config/load-config.js";
import type { Roster } from "../../src/config/roster.js";
import type { Config } from "../../src/config/schema.js";
import { TEST_AES_KEY } from "./test-env.js";

/** A copy of the example config, changed, in a directory of its own beside the example roster. */
export interface ConfigVariant {
  path: string;
  remove(): void;
}

/**
 * Writes the example config with each `[from, to]` replaced once (each `from` must be there, so a
 * changed example fails the test here rather than quietly testing the example); `roster` changes
 * the copy of the example roster (a role column added).
 */
export function writeConfigVariant(replacements: ReadonlyArray<readonly [string, string]>, { roster = (csv: string) => csv }: { roster?: (csv: string) => string } = {}): ConfigVariant {
  let yaml = readFileSync("config/pingan.example.yaml", "utf8");
  for (const [from, to] of replacements) {
    if (!yaml.includes(from)) throw new Error(`the example config has no ${JSON.stringify(from)}`);
    yaml = yaml.replace(from, to);
  }
  const dir = mkdtempSync(join(tmpdir(), "pingan-config-"));
  writeFileSync(join(dir, "schools.example.csv"), roster(readFileSync("config/schools.example.csv", "utf8")));
  const path = join(dir, "pingan.yaml");
  writeFileSync(path, yaml);
  return { path, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * The summer holiday from Thursday 2026-07-09 (the spring term ending Wednesday), with the
 * anti-drowning tally on `sat 09:00`: week 2026-W28 is cut to Monday–Wednesday and its tally
 * moves to Thursday 09:00, the first day of the daily summer schedule (periods.ts's example).
 */
export const CUT_WEEK: ReadonlyArray<readonly [string, string]> = [
  ["      end: 2026-07-10", "      end: 2026-07-08"],
  ["    - start: 2026-07-11", "    - start: 2026-07-09"],
  ['    tally: "fri 17:30"', '    tally: "sat 09:00"'],
];

/** Every kind the example config declares switched on: its three of today and the four new ones (晨午检, 例会, 值班, 汛期). */
export const ALL_KINDS: ReadonlyArray<readonly [string, string]> = ["晨午检", "安全工作例会", "假期值班", "汛期日报"].map(
  (name) => [`    name: ${name}\n    enabled: false\n`, `    name: ${name}\n`] as const,
);

/** A config variant loaded as the service loads it, with the test environment's secrets; `remove` deletes its copy. */
export async function loadConfigVariant(
  replacements: ReadonlyArray<readonly [string, string]>,
  options: { roster?: (csv: string) => string } = {},
): Promise<{ config: Config; roster: Roster; remove(): void }> {
  const variant = writeConfigVariant(replacements, options);
  try {
    const { config, roster } = await loadConfig({
      path: variant.path,
      env: { WECOM_TOKEN: "t", WECOM_ENCODING_AES_KEY: TEST_AES_KEY, WEBHOOK_KEY_PRINCIPALS: "kp", WEBHOOK_KEY_LEADERS: "kl" },
    });
    return { config, roster, remove: variant.remove };
  } catch (error) {
    variant.remove();
    throw error;
  }
}
