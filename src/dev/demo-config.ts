import { copyFileSync, readFileSync, writeFileSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { projectPath } from "../config/project-path.js";

/** The kind the demo switches on beside the example's three: one that no code names, declared in the config alone. */
export const DEMO_KIND = { id: "checkup", name: "晨午检" } as const;

/**
 * The example config as the demo plays it, written into `dir` beside a copy of its roster:
 * 晨午检 switched on (the example ships it off, as a declaration a bureau copies), so
 * the demo shows a declared kind reported, reminded, tallied and summed. Returns the path.
 */
export function writeDemoConfig(dir: string, base = projectPath("config/pingan.example.yaml")): string {
  let yaml = readFileSync(base, "utf8");
  yaml = yaml.replace(/^roster: *(.+?) *$/m, (_, roster: string) => {
    copyFileSync(resolve(dirname(base), roster), join(dir, basename(roster)));
    return `roster: ${basename(roster)}`;
  });
  const off = `    name: ${DEMO_KIND.name}\n    enabled: false\n`;
  if (!yaml.includes(off)) throw new Error(`${base} has no ${DEMO_KIND.name} switched off to switch on`);
  yaml = yaml.replace(off, `    name: ${DEMO_KIND.name}\n`);
  const path = join(dir, "pingan.demo.yaml");
  writeFileSync(path, yaml);
  return path;
}
