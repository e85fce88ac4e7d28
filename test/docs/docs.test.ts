import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, readdirSync, statSync } from "node:fs";
import { dirname, join, normalize } from "node:path";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { parse } from "yaml";
import { configSchema, taskSchema } from "../../src/config/schema.js";
import { checkKinds } from "../../src/config/check-kinds.js";
import { checkScheduleSlots } from "../../src/time/slots.js";
import { ROSTER_COLUMNS, isRosterColumn } from "../../src/config/parse-roster.js";
import { pinganArgs } from "../support/pingan-command.js";
import { anchorsOf, codeOf, linksOf, markedTables, readDocs } from "./read-docs.js";

/**
 * The docs name what exists: every `pingan` subcommand and option, npm script, repository file,
 * config key and environment variable they show is in the code; every relative link resolves,
 * to a heading where it names one; nothing links outside the repository into ../shared.
 */
const docs = readDocs();

/** `pingan <command> --help`, parsed: its subcommands and its options. */
function helpOf(path: readonly string[]): { commands: Set<string>; options: Set<string> } {
  const text = execFileSync("node", pinganArgs(...path, "--help"), { encoding: "utf8" });
  const section = (title: string) => text.split(`${title}:\n`)[1]?.split(/\n\n|\n(?=\S)/u)[0] ?? "";
  const commands = new Set([...section("Commands").matchAll(/^ {2}([a-z][a-z-]*)/gmu)].map((m) => m[1]!));
  const options = new Set([...section("Options").matchAll(/--[a-z][a-z-]*/gu)].map((m) => m[0]));
  return { commands, options };
}

/** Every `pingan …` command line the docs show: the words after `pingan` up to the end of that command. */
function pinganLines(): { doc: string; words: string[] }[] {
  return docs.flatMap((doc) =>
    codeOf(doc.text).flatMap((code) =>
      [...code.matchAll(/(?:^[ \t]*|[;&|(][ \t]*|npx[ \t]+)pingan((?:[ \t]+[^\s;&|#)`]+)+)/gmu)].map((m) => ({ doc: doc.path, words: m[1]!.trim().split(/\s+/u) })),
    ),
  );
}

/** The repository's files, as paths from the root (not node_modules, dist or .git). */
function repoFiles(): Set<string> {
  const walk = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
      if ([".git", "node_modules", "dist", "data"].includes(entry.name)) return [];
      const path = dir === "." ? entry.name : `${dir}/${entry.name}`;
      return entry.isDirectory() ? [`${path}/`, ...walk(path)] : [path];
    });
  return new Set(walk("."));
}

/** The zod object a config path goes through, unwrapping defaults, optionals, records and arrays. */
function hasConfigKey(path: readonly string[]): boolean {
  let node: z.ZodType = configSchema;
  for (const key of path) {
    for (;;) {
      const def = (node as unknown as { def: { type: string; innerType?: z.ZodType; element?: z.ZodType; valueType?: z.ZodType } }).def;
      if (def.type === "default" || def.type === "optional" || def.type === "prefault") node = def.innerType!;
      else if (def.type === "array") node = def.element!;
      else break;
    }
    const def = (node as unknown as { def: { type: string; valueType?: z.ZodType } }).def;
    if (def.type === "record") {
      node = def.valueType!;
      continue;
    }
    if (def.type !== "object") return false;
    const shape = (node as unknown as { shape: Record<string, z.ZodType> }).shape;
    if (!(key in shape)) return false;
    node = shape[key]!;
  }
  return true;
}

describe("the docs", () => {
  it("never link or point into ../shared, which is not in the repository", () => {
    for (const doc of docs) expect(doc.text, doc.path).not.toMatch(/\.\.\/shared|\/work\/shared|shared\/SPEC\.md/u);
  });

  it("link only to files that exist, and to headings that exist", () => {
    const broken: string[] = [];
    for (const doc of docs) {
      for (const { target, line } of linksOf(doc.text)) {
        if (/^(https?|mailto):/u.test(target)) continue;
        const [file, anchor] = target.split("#") as [string, string | undefined];
        const path = file === "" ? doc.path : normalize(join(dirname(doc.path), decodeURI(file)));
        if (!existsSync(path)) {
          broken.push(`${doc.path}:${line} → ${target} (no file ${path})`);
          continue;
        }
        if (anchor !== undefined && statSync(path).isFile() && path.endsWith(".md")) {
          if (!anchorsOf(readFileSync(path, "utf8")).has(decodeURI(anchor))) broken.push(`${doc.path}:${line} → ${target} (no heading #${anchor})`);
        }
      }
    }
    expect(broken).toEqual([]);
  });

  it("show the repository's files as they are where they quote one in full (<!-- file: PATH --> before the block)", () => {
    const shown = docs.flatMap((doc) =>
      [...doc.text.matchAll(/^<!-- file: (\S+) -->\n```[^\n]*\n([\s\S]*?)^```/gmu)].map((m) => ({ doc: doc.path, path: m[1]!, text: m[2]! })),
    );
    expect(shown.map((s) => s.path)).toEqual(expect.arrayContaining(["config/deploy/pingan.service", "config/deploy/nginx-pingan.conf"]));
    for (const { doc, path, text } of shown) expect(text, `${doc} shows ${path}`).toBe(readFileSync(path, "utf8"));
  });

  it("install Node.js where the systemd unit and the server's pingan command start it", () => {
    const node = /^ExecStart=(\S+)/mu.exec(readFileSync("config/deploy/pingan.service", "utf8"))?.[1];
    expect(node).toBe("/usr/bin/node");
    expect(readFileSync("config/deploy/pingan.sh", "utf8")).toContain(`node=\${PINGAN_NODE:-${node}}`);
    const guide = codeOf(readFileSync("docs/zh/部署指南.md", "utf8")).join("\n");
    // NodeSource's nodejs package installs /usr/bin/node; the tarball is linked there.
    expect(guide).toContain("https://deb.nodesource.com/setup_20.x");
    expect(guide).toContain(`ln -sf /usr/local/bin/node ${node}`);
  });

  it("list the roster's headers as the roster reader knows them (部署指南's table)", () => {
    const [table] = markedTables(readFileSync("docs/zh/部署指南.md", "utf8"), "roster-headers");
    const names = (cell: string) => cell.split("、").map((name) => name.trim());
    const listed = table!.rows.map((row) => ({ zh: names(row[1]!), en: names(row[2]!), required: row[3] === "是" }));
    expect(listed).toEqual(ROSTER_COLUMNS.map((column) => ({ zh: [...column.zh], en: [...column.en], required: !column.optional })));
  });

  it("name only pingan commands and options that exist", () => {
    const top = helpOf([]);
    const helps = new Map<string, ReturnType<typeof helpOf>>();
    const help = (path: string[]) => {
      const key = path.join(" ");
      if (!helps.has(key)) helps.set(key, helpOf(path));
      return helps.get(key)!;
    };
    const lines = pinganLines();
    expect(lines.length).toBeGreaterThan(20);
    const wrong: string[] = [];
    for (const { doc, words } of lines) {
      const [command, ...rest] = words;
      if (!command || command.startsWith("-") || !/^[a-z]/u.test(command)) continue;
      if (!top.commands.has(command)) {
        wrong.push(`${doc}: pingan ${words.join(" ")} (no command ${command})`);
        continue;
      }
      const path = [command];
      const own = help(path);
      if (own.commands.size > 1 && rest[0] && !rest[0].startsWith("-")) {
        if (!own.commands.has(rest[0])) wrong.push(`${doc}: pingan ${words.join(" ")} (no command ${command} ${rest[0]})`);
        else path.push(rest[0]);
      }
      const options = help(path).options;
      for (const word of rest) {
        const option = /^--[a-z][a-z-]*/u.exec(word)?.[0];
        if (option && !options.has(option)) wrong.push(`${doc}: pingan ${words.join(" ")} (no option ${option})`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it("declare kinds the product takes (部署指南's 上报任务 examples: whole tasks, and a monthly schedule over the one before)", () => {
    const guide = docs.find((doc) => doc.path === "docs/zh/部署指南.md")!.text;
    const section = guide.slice(guide.indexOf("## 上报任务"), guide.indexOf("## 10."));
    const blocks = [...section.matchAll(/^```yaml\n([\s\S]*?)^```/gmu)].map((m) => parse(m[1]!) as Record<string, unknown>);
    expect(blocks.length).toBeGreaterThanOrEqual(4);
    let last: Record<string, unknown> = {};
    const tasks: Record<string, z.output<typeof taskSchema>> = {};
    for (const block of blocks) {
      // A block of schedule keys alone makes a variant of the task before it; a `reporters` role alone changes that task.
      if (Object.keys(block).join() === "reporters") {
        const id = Object.keys(tasks).at(-1)!;
        tasks[id] = taskSchema.parse({ ...last, ...block });
        continue;
      }
      const [id, declared] = "period" in block ? [`${Object.keys(tasks).at(-1)!}_monthly`, { ...last, ...block }] : Object.entries(block)[0]!;
      const task = taskSchema.parse(declared);
      expect(checkScheduleSlots(task), id).toEqual([]);
      tasks[id] = task;
      last = declared as Record<string, unknown>;
    }
    expect(Object.values(tasks).map((task) => task.period)).toContain("month");
    // A role the guide declares is a column of its own, never one of the roster's fixed ones.
    const roles = Object.values(tasks).flatMap((task) => (task.reporters === undefined ? [] : [task.reporters]));
    expect(roles).toEqual(["校医"]);
    expect(roles.filter(isRosterColumn)).toEqual([]);
    const problems: string[] = [];
    checkKinds(Object.fromEntries(Object.entries(tasks).filter(([id]) => !id.endsWith("_monthly"))), (path, message) => problems.push(`${path.join(".")}: ${message}`));
    expect(problems).toEqual([]);
  });

  it("name only npm scripts that exist", () => {
    const scripts = new Set(Object.keys((JSON.parse(readFileSync("package.json", "utf8")) as { scripts: object }).scripts));
    const named = docs.flatMap((doc) => codeOf(doc.text).flatMap((code) => [...code.matchAll(/npm run ([a-z][\w:-]*)/gu)].map((m) => `${doc.path}: ${m[1]}`)));
    expect(named.length).toBeGreaterThan(5);
    expect(named.filter((entry) => !scripts.has(entry.split(": ")[1]!))).toEqual([]);
  });

  it("name only repository files that exist (bench/RESULTS.md, a log of past runs, names files as they were)", () => {
    const files = repoFiles();
    const roots = [...files].filter((f) => !f.slice(0, -1).includes("/")).map((f) => f.replace(/\/$/u, ""));
    const named = docs.filter((doc) => doc.path !== "bench/RESULTS.md").flatMap((doc) =>
      codeOf(doc.text).flatMap((code) =>
        [...code.matchAll(/(?<![\w./-])((?:[\w.-]+\/)+[\w.-]*|[\w-]+\.(?:json|ts|md|yaml|csv))(?![\w/])/gu)]
          .map((m) => m[1]!.replace(/[.,:]$/u, ""))
          .filter((path) => roots.includes(path.split("/")[0]!) && !path.startsWith("/"))
          .map((path) => ({ doc: doc.path, path })),
      ),
    );
    expect(named.length).toBeGreaterThan(20);
    expect(named.filter(({ path }) => !files.has(path) && !files.has(`${path}/`)).map(({ doc, path }) => `${doc}: ${path}`)).toEqual([]);
  });

  it("name only config keys the schema has", () => {
    const top = Object.keys(configSchema.shape);
    const named = docs.flatMap((doc) =>
      codeOf(doc.text).flatMap((code) =>
        [...code.matchAll(/(?<![\w./$-])([a-z_]+(?:\.[a-z_]+)+)(?![\w/(-])/gu)]
          .map((m) => m[1]!)
          .filter((key) => top.includes(key.split(".")[0]!))
          .map((key) => ({ doc: doc.path, key })),
      ),
    );
    expect(named.length).toBeGreaterThan(5);
    expect(named.filter(({ key }) => !hasConfigKey(key.split("."))).map(({ doc, key }) => `${doc}: ${key}`)).toEqual([]);
  });

  it("name only environment variables the service reads or the example config references", () => {
    const known = new Set([
      ...readFileSync("src/main/settings.ts", "utf8").matchAll(/^\s{2}([A-Z][A-Z0-9_]+):/gmu),
      ...readFileSync("config/pingan.example.yaml", "utf8").matchAll(/\$\{([A-Z][A-Z0-9_]+)/gu),
    ].map((m) => m[1]!));
    // Variables of other programs the guide sets or reads.
    const others = new Set(["DEBIAN_FRONTEND", "PATH", "TZ", "HOME", "ARCH", "V"]);
    const named = docs.flatMap((doc) =>
      codeOf(doc.text).flatMap((code) =>
        [...code.matchAll(/\b((?:PINGAN|WECOM|WEBHOOK|REDIS|LOG)_[A-Z0-9_]+|PORT|HOST)\b/gu)].map((m) => ({ doc: doc.path, name: m[1]! })),
      ),
    );
    expect(named.length).toBeGreaterThan(10);
    expect(named.filter(({ name }) => !known.has(name) && !others.has(name)).map(({ doc, name }) => `${doc}: ${name}`)).toEqual([]);
  });

  it("quote only log lines the code writes (运维's table of log lines)", () => {
    const sources = [...repoFiles()].filter((f) => /^(src|jobs|commands)\/.*\.ts$/u.test(f)).map((f) => readFileSync(f, "utf8"));
    const tables = docs.flatMap((doc) => markedTables(doc.text, "log-lines").map((table) => ({ doc: doc.path, table })));
    expect(tables.length).toBeGreaterThan(0);
    const quoted = tables.flatMap(({ doc, table }) => table.rows.flatMap((row) => [...row[0]!.matchAll(/`([^`]+)`/gu)].map((m) => ({ doc, line: m[1]! }))));
    expect(quoted.length).toBeGreaterThan(10);
    expect(quoted.filter(({ line }) => !sources.some((source) => source.includes(`"${line}"`))).map(({ doc, line }) => `${doc}: ${line}`)).toEqual([]);
  });
});
