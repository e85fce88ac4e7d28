import type { z } from "zod";
import type { KeyPath, PathProblem } from "./problems.js";
import { exampleFor, text } from "./messages.js";
import { suggestClosest } from "./suggest-closest.js";

/** Error-map result that marks "zod's own message": anything else is the schema's own (Chinese) text. */
export const DEFAULT_ISSUE_MESSAGE = "\u0000default";

export interface DescribeContext {
  /** The schema the issues came from, to list the keys valid where a typo was found. */
  schema: z.ZodType;
  /** The value that was validated, to show what was written. */
  input: unknown;
  /** True for paths whose value must never be shown (secrets, values from the environment). */
  quiet(path: KeyPath): boolean;
}

/**
 * Turns zod issues into problems in the admin's language, each with what to write instead. A
 * misspelt key is one problem: the key it was meant to be is not also reported missing.
 */
export function describeZodIssues(issues: readonly z.core.$ZodIssue[], context: DescribeContext): PathProblem[] {
  const meant = new Set(
    issues.flatMap((issue) =>
      issue.code === "unrecognized_keys"
        ? issue.keys.flatMap((key) => {
            const guess = meantKey([...toKeyPath(issue.path), key], context.schema);
            return guess ? [pathKey([...issue.path, guess])] : [];
          })
        : [],
    ),
  );
  const missingButMisspelt = (issue: z.core.$ZodIssue) =>
    issue.code === "invalid_type" && valueAt(context.input, toKeyPath(issue.path)) === undefined && meant.has(pathKey(issue.path));
  return issues.filter((issue) => !missingButMisspelt(issue)).flatMap((issue) => describeIssue(issue, context));
}

function toKeyPath(path: readonly PropertyKey[]): KeyPath {
  return path.map((segment) => (typeof segment === "number" ? segment : String(segment)));
}

function pathKey(path: readonly PropertyKey[]): string {
  return JSON.stringify(toKeyPath(path));
}

function describeIssue(issue: z.core.$ZodIssue, context: DescribeContext): PathProblem[] {
  const path = toKeyPath(issue.path);
  const own = issue.message !== DEFAULT_ISSUE_MESSAGE ? issue.message : undefined;
  const value = valueAt(context.input, path);
  const shown = context.quiet(path) ? undefined : value;
  const example = exampleFor(path);
  switch (issue.code) {
    case "unrecognized_keys":
      return issue.keys.map((key) => describeUnknownKey([...path, key], context.schema));
    case "invalid_type": {
      if (value === undefined) return [{ path, message: text.required, hint: own ?? example }];
      if (value === null) return [{ path, message: text.emptyValue, hint: example ?? text.emptyValueHint }];
      if (issue.expected === "object" && typeof value === "string" && /[：]/.test(value)) {
        return [{ path, message: text.wrongType(issue.expected), hint: text.fullWidthColonHint }];
      }
      return [{ path, message: text.wrongType(issue.expected), hint: own ?? example }];
    }
    case "too_small":
      return [{ path, message: text.tooSmall(issue.origin, Number(issue.minimum), issue.inclusive ?? true), hint: own ?? example }];
    case "too_big":
      return [{ path, message: text.tooBig(issue.origin, Number(issue.maximum), issue.inclusive ?? true), hint: own ?? example }];
    case "invalid_format":
      return [
        {
          path,
          message: text.badFormat(typeof shown === "string" ? shown : undefined),
          hint: own ?? (issue.format === "url" ? text.urlHint : example),
        },
      ];
    case "invalid_value":
      return [
        {
          path,
          message: text.notAllowed(shown === undefined ? undefined : String(shown)),
          hint: own ?? text.allowedValues(issue.values.map(String)),
        },
      ];
    case "invalid_key":
      return [{ path, message: text.badRecordKey(String(path[path.length - 1])), hint: own ?? example }];
    default:
      return [{ path, message: own ?? text.badValue, hint: own ? undefined : example }];
  }
}

function describeUnknownKey(path: KeyPath, schema: z.ZodType): PathProblem {
  const guess = meantKey(path, schema);
  if (guess) return { path, message: text.unknownKeyDidYouMean(guess) };
  const valid = keysAt(schema, path.slice(0, -1));
  return { path, message: text.unknownKey, hint: valid.length ? text.validKeys(valid) : undefined };
}

/** The key an unknown one was meant to be (deadlin → deadline), when one at its place is close. */
function meantKey(path: KeyPath, schema: z.ZodType): string | undefined {
  return suggestClosest(String(path[path.length - 1]), keysAt(schema, path.slice(0, -1)));
}

function valueAt(input: unknown, path: KeyPath): unknown {
  let node = input;
  for (const segment of path) {
    if (node === null || typeof node !== "object") return undefined;
    node = (node as Record<string | number, unknown>)[segment];
  }
  return node;
}

interface SchemaDef {
  type: string;
  shape?: Record<string, SchemaNode>;
  innerType?: SchemaNode;
  element?: SchemaNode;
  valueType?: SchemaNode;
  options?: SchemaNode[];
}
interface SchemaNode {
  _zod: { def: SchemaDef };
}

/** The keys an object schema accepts at `path`, through optional/default wrappers, records and arrays. */
function keysAt(schema: z.ZodType, path: KeyPath): string[] {
  let node: SchemaNode | undefined = unwrap(schema as unknown as SchemaNode);
  for (const segment of path) {
    if (!node) return [];
    const def: SchemaDef = node._zod.def;
    if (def.type === "object") node = def.shape?.[String(segment)];
    else if (def.type === "record") node = def.valueType;
    else if (def.type === "array") node = def.element;
    else if (def.type === "union") node = def.options?.map(unwrap).find((o) => o?._zod.def.type === "object");
    else return [];
    node = unwrap(node);
  }
  const shape = node?._zod.def.type === "object" ? node._zod.def.shape : undefined;
  return shape ? Object.keys(shape) : [];
}

function unwrap(node: SchemaNode | undefined): SchemaNode | undefined {
  let current = node;
  while (current?._zod.def.innerType) current = current._zod.def.innerType;
  return current;
}
