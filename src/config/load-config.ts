import { withBotNodes } from "./list-bots.js";
import { dirname, isAbsolute, join } from "node:path";
import { LineCounter, parseDocument, type Document } from "yaml";
import { createRoster, type Roster } from "./roster.js";
import { crossCheckConfig } from "./cross-check-config.js";
import { configError } from "./config-error.js";
import type { KeyPath, PathProblem } from "./problems.js";
import { DEFAULT_ISSUE_MESSAGE, describeZodIssues } from "./describe-zod-issues.js";
import { expandEnv, type Env } from "./expand-env.js";
import { createKeyLineFinder } from "./find-key-line.js";
import { formatKeyPath } from "./format-key-path.js";
import { text, yamlErrorMessage } from "./messages.js";
import { encodingNote } from "./decode-text.js";
import { readRoster, type RosterReading } from "./parse-roster.js";
import { readInputFile } from "./read-input-file.js";
import { MAX_TABLE_BYTES } from "./read-table.js";
import { parseSections } from "./parse-sections.js";
import { configSchema, type Config } from "./schema.js";
import { isSecretPath } from "./secret-paths.js";
import { ErrorCode, hasCode, type ConfigProblem } from "../errors.js";

export interface LoadConfigOptions {
  /** The YAML file, e.g. `config/pingan.yaml`; problems name it as given. */
  path: string;
  /** Where `${NAME}` references are read from (the entry point passes `process.env`). */
  env: Env;
}

/** A valid config and its roster. */
export interface LoadedConfig {
  /** Deep-frozen, with the schema's defaults filled in. */
  readonly config: Config;
  readonly roster: Roster;
  /** The config file it came from, as given. */
  readonly path: string;
  /** What the admin may want to know but need not fix (columns of the roster it does not use). */
  readonly notes: readonly string[];
  /** The line of a key in the config file, for a problem found after loading (a kind's example that does not record). */
  keyLine(path: KeyPath): number | undefined;
}

/**
 * Reads the config YAML and the roster it names (relative to the config file; .xlsx or CSV), expands
 * `${NAME}` / `${NAME:-default}` from `env`, validates both and their cross-references.
 * Throws a CONFIG_INVALID error (configError) carrying every problem found, each with its file, line and key.
 */
export async function loadConfig({ path, env }: LoadConfigOptions): Promise<LoadedConfig> {
  const source = await readConfigText(path);
  const lineCounter = new LineCounter();
  const doc = parseDocument(source, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    // The rest of a broken file is not read; the roster it names still is, so that its problems come in the same run.
    const problems = describeSyntaxErrors(doc, lineCounter, path, source);
    const setting = toPlain(doc) as { roster?: unknown; roster_sheet?: unknown } | undefined;
    if (typeof setting?.roster === "string" && setting.roster !== "") {
      const sheet = typeof setting.roster_sheet === "string" ? setting.roster_sheet : undefined;
      await readRosterFor(path, setting.roster, sheet, createKeyLineFinder(doc, lineCounter)(["roster"]), problems, []);
    }
    throw configError(problems);
  }
  if (doc.contents === null) throw configError([{ file: path, message: text.configEmpty, hint: text.configNotFoundHint }]);

  const lineOf = createKeyLineFinder(doc, lineCounter);
  const located = (problem: PathProblem): ConfigProblem => ({
    file: path,
    line: lineOf(problem.path),
    key: formatKeyPath(problem.path) || undefined,
    message: problem.message,
    hint: problem.hint,
  });

  const expanded = expandEnv(doc, env);
  const quiet = (p: KeyPath) => isSecretPath(p) || expanded.fromEnv.has(JSON.stringify(p));
  const input = toPlain(doc);
  const problems: ConfigProblem[] = expanded.problems.map(located);

  const parsed = configSchema.safeParse(input, { error: () => DEFAULT_ISSUE_MESSAGE });
  const reported = new Set(expanded.problems.map((p) => JSON.stringify(p.path)));
  if (!parsed.success) {
    const described = describeZodIssues(parsed.error.issues, { schema: configSchema, input, quiet });
    // A value left unexpanded because its variable is missing would only repeat that problem.
    const fresh = described.filter((p) => !reported.has(JSON.stringify(p.path)));
    for (const p of fresh) reported.add(JSON.stringify(p.path));
    problems.push(...fresh.map(located));
  }

  const { roster: rosterSetting, roster_sheet: sheetSetting } = (input ?? {}) as { roster?: unknown; roster_sheet?: unknown };
  const notes: string[] = [];
  const roster =
    typeof rosterSetting === "string" && rosterSetting !== ""
      ? await readRosterFor(path, rosterSetting, typeof sheetSetting === "string" ? sheetSetting : undefined, lineOf(["roster"]), problems, notes, listReporterRoles(input))
      : undefined;

  const isMapping = input !== null && typeof input === "object" && !Array.isArray(input);
  if (isMapping) {
    // Checked as the service will read it: a bot's groups bound to its node.
    const sections = parsed.success ? withBotNodes(parsed.data) : parseSections(input);
    const crossProblems = crossCheckConfig(sections, { roster: roster ? createRoster(roster.checkable) : null, quiet });
    problems.push(...crossProblems.filter((p) => !reported.has(JSON.stringify(p.path))).map(located));
  }
  if (problems.length > 0 || !parsed.success || !roster) throw configError(problems);
  return Object.freeze({ config: deepFreeze(withBotNodes(parsed.data)), roster: createRoster(roster.schools), path, notes: Object.freeze(notes), keyLine: lineOf });
}

/**
 * The largest config read: a province's, with a hundred bots and thousands of groups, is a few
 * hundred KB; past this, the file named is not a config (a log, /dev/zero), and it is not read.
 */
export const MAX_CONFIG_BYTES = 4 * 1024 * 1024;

async function readConfigText(path: string): Promise<string> {
  const read = await readInputFile(path, MAX_CONFIG_BYTES);
  if ("refused" in read) {
    throw configError([read.missing ? { file: path, message: text.configNotFound, hint: text.configNotFoundHint } : { file: path, message: read.refused }]);
  }
  return new TextDecoder("utf-8").decode(read.bytes);
}

/**
 * Every duplicate key, but only the first structural error: after a bad indent or quote the
 * parser's further complaints are mostly echoes of it and would send the admin to wrong lines.
 */
function describeSyntaxErrors(doc: Document, lineCounter: LineCounter, file: string, source: string): ConfigProblem[] {
  const duplicates = doc.errors.filter((error) => error.code === "DUPLICATE_KEY");
  const structural = doc.errors.find((error) => error.code !== "DUPLICATE_KEY");
  const lines = source.split(/\r?\n/);
  return [...duplicates, ...(structural ? [structural] : [])]
    .sort((a, b) => a.pos[0] - b.pos[0])
    .map((error) => {
      const line = lineCounter.linePos(error.pos[0]).line;
      const lost = error.code === "BAD_INDENT" ? findIndentLost(lines, line) : undefined;
      return lost === undefined ? { file, line, ...yamlErrorMessage(error.code) } : { file, line: lost, message: text.indentLost, hint: text.indentLostHint };
    });
}

/**
 * The line before a bad indent when it, not the line the parser stops at, lost its indent: a
 * `key: value` indented less than the lines on both sides of it (`  deadline: "10:00"` among a
 * task's four-space keys). The parser takes it for a key of the level above and complains at the
 * next line, which is right.
 */
function findIndentLost(lines: readonly string[], line: number): number | undefined {
  const isContent = (at: number) => at >= 1 && lines[at - 1]!.trim() !== "" && !lines[at - 1]!.trim().startsWith("#");
  const previous = (at: number) => {
    let n = at - 1;
    while (n >= 1 && !isContent(n)) n--;
    return n >= 1 ? n : undefined;
  };
  const indent = (at: number) => lines[at - 1]!.length - lines[at - 1]!.trimStart().length;
  const lost = previous(line);
  const above = lost === undefined ? undefined : previous(lost);
  if (lost === undefined || above === undefined) return undefined;
  const entry = /^[^-#\s][^:#]*:\s+\S/;
  const isEntry = (at: number) => entry.test(lines[at - 1]!.trimStart());
  return indent(lost) < indent(line) && indent(above) === indent(line) && isEntry(lost) && isEntry(above) ? lost : undefined;
}

function toPlain(doc: Document): unknown {
  try {
    return doc.toJS({ maxAliasCount: 100 });
  } catch {
    return undefined;
  }
}

async function readRosterFor(
  configPath: string,
  setting: string,
  sheet: string | undefined,
  line: number | undefined,
  problems: ConfigProblem[],
  notes: string[],
  roles: readonly string[] = [],
): Promise<Pick<RosterReading, "schools" | "checkable"> | undefined> {
  const rosterPath = resolveRosterPath(configPath, setting);
  const read = await readInputFile(rosterPath, MAX_TABLE_BYTES);
  if ("refused" in read) {
    problems.push({ file: configPath, line, key: "roster", message: read.refused, hint: text.rosterPathHint });
    return undefined;
  }
  try {
    const reading = await readRoster(read.bytes, rosterPath, { ...(sheet !== undefined && { sheet }), roles });
    problems.push(...reading.problems);
    const encoding = reading.encoding && encodingNote(rosterPath, reading.encoding);
    if (encoding) notes.push(encoding);
    if (reading.ignoredColumns.length > 0) notes.push(text.ignoredColumns(rosterPath, reading.ignoredColumns));
    return reading;
  } catch (error) {
    if (!hasCode(error, ErrorCode.ConfigInvalid)) throw error;
    problems.push(...error.details.problems);
    return undefined;
  }
}

/** The role columns the kinds name as their reporters (`tasks.<id>.reporters: 校医`), read before the config is checked. */
export function listReporterRoles(input: unknown): string[] {
  const tasks = (input as { tasks?: unknown } | null | undefined)?.tasks;
  if (tasks === null || typeof tasks !== "object") return [];
  const roles = Object.values(tasks).map((task) => (task as { reporters?: unknown } | null)?.reporters);
  return [...new Set(roles.filter((role): role is string => typeof role === "string" && role !== ""))];
}

/** The roster file a config's `roster:` names: relative to the config file's directory. */
export function resolveRosterPath(configPath: string, setting: string): string {
  return isAbsolute(setting) ? setting : join(dirname(configPath), setting);
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === "object" && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
