import { isMap, isScalar, isSeq, type Document } from "yaml";
import type { KeyPath, PathProblem } from "./problems.js";
import { text } from "./messages.js";

/** The environment `${NAME}` references are read from. */
export type Env = Readonly<Record<string, string | undefined>>;

export interface ExpandEnvResult {
  problems: PathProblem[];
  /** Paths (as `JSON.stringify(path)`) whose value came from the environment: never echo them. */
  fromEnv: Set<string>;
}

const REFERENCE = /\$\$\{|\$\{([^}]*)\}/g;
const NAME_AND_DEFAULT = /^([A-Za-z_][A-Za-z0-9_]*)(?::-([\s\S]*))?$/;

/**
 * Replaces `${NAME}` and `${NAME:-default}` in the string values (never keys) of `doc`, in place.
 * `$${` stands for a literal `${`. An unset or empty variable without a default is a problem
 * naming the variable. A value that is a single `${NAME:-}` resolving to empty removes its key,
 * so an optional secret can be switched on from the environment alone.
 */
export function expandEnv(doc: Document, env: Env): ExpandEnvResult {
  const result: ExpandEnvResult = { problems: [], fromEnv: new Set() };
  expandNode(doc.contents, [], env, result);
  return result;
}

/** Returns true when the node should be removed from its parent. */
function expandNode(node: unknown, path: KeyPath, env: Env, result: ExpandEnvResult): boolean {
  if (isMap(node)) {
    node.items = node.items.filter((pair) => {
      const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
      return !expandNode(pair.value, [...path, key], env, result);
    });
  } else if (isSeq(node)) {
    const kept = node.items.filter((item, index) => !expandNode(item, [...path, index], env, result));
    node.items = kept;
  } else if (isScalar(node) && typeof node.value === "string" && node.value.includes("${")) {
    const expanded = expandString(node.value, env);
    result.fromEnv.add(JSON.stringify(path));
    for (const name of expanded.missing) {
      result.problems.push({ path, message: text.envMissing(name), hint: text.envMissingHint(name) });
    }
    if (expanded.malformed) {
      result.problems.push({ path, message: text.envMalformed, hint: text.envMalformedHint });
    }
    if (expanded.omit) return true;
    node.value = expanded.value;
  }
  return false;
}

interface ExpandedString {
  value: string;
  missing: string[];
  malformed: boolean;
  omit: boolean;
}

function expandString(source: string, env: Env): ExpandedString {
  const missing: string[] = [];
  let malformed = source.replace(REFERENCE, "").includes("${");
  let wholeEmptyDefault = false;
  const value = source.replace(REFERENCE, (match, inner: string | undefined) => {
    if (inner === undefined) return "${";
    const parsed = NAME_AND_DEFAULT.exec(inner.trim());
    if (!parsed) {
      malformed = true;
      return match;
    }
    const [, name, fallback] = parsed as unknown as [string, string, string | undefined];
    const found = env[name];
    if (found !== undefined && found !== "") return found;
    if (fallback !== undefined) {
      if (fallback === "" && match === source) wholeEmptyDefault = true;
      return fallback;
    }
    if (!missing.includes(name)) missing.push(name);
    return match;
  });
  return { value, missing, malformed, omit: wholeEmptyDefault };
}
