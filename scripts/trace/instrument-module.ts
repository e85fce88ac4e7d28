import ts from "typescript";

/** The global every instrumented function calls on entry: `(file, function name)`. */
export const TRACE_GLOBAL = "__pinganTrace";

/** What each instrumented function calls on entry (installed on globalThis by the recorder). */
export type TraceEntry = (file: string, fn: string) => void;

/**
 * Adds `__pinganTrace(file, name)` at the start of every function body of a compiled ES module
 * (declarations, expressions, arrows, methods, accessors, constructors) and of the module body
 * itself, so that a dynamic import inside the window counts too. Only calls are inserted:
 * the module's behaviour, its exports and its line numbers stay as they were.
 */
export function instrumentModule(source: string, file: string): string {
  const tree = ts.createSourceFile(file, source, ts.ScriptTarget.Latest, true, ts.ScriptKind.JS);
  const inserts: { at: number; text: string }[] = [];
  const call = (name: string) => `${TRACE_GLOBAL}(${JSON.stringify(file)}, ${JSON.stringify(name)})`;

  const visit = (node: ts.Node): void => {
    if (ts.isFunctionLike(node) && "body" in node && node.body) {
      const body = node.body as ts.Node;
      const name = nameOf(node, tree);
      if (ts.isBlock(body)) {
        inserts.push({ at: body.getStart(tree) + 1, text: `${call(name)};` });
      } else {
        inserts.push({ at: body.getStart(tree), text: `(${call(name)}, ` }, { at: body.end, text: ")" });
      }
    }
    ts.forEachChild(node, visit);
  };
  ts.forEachChild(tree, visit);
  inserts.push({ at: 0, text: `${call("<module>")};` });

  // From the end backwards, so that earlier positions stay valid; at one position, the later insert goes first.
  let out = source;
  for (const { at, text } of inserts.map((insert, order) => ({ ...insert, order })).sort((a, b) => b.at - a.at || b.order - a.order)) {
    out = out.slice(0, at) + text + out.slice(at);
  }
  return out;
}

/** A readable name for a function: its own, its variable's, its property's, else `<anonymous>:line`. */
function nameOf(node: ts.SignatureDeclaration, tree: ts.SourceFile): string {
  if (ts.isConstructorDeclaration(node)) return `${className(node.parent)}.constructor`;
  if (node.name && (ts.isIdentifier(node.name) || ts.isPrivateIdentifier(node.name) || ts.isStringLiteral(node.name))) {
    const own = node.name.text;
    return ts.isClassLike(node.parent) ? `${className(node.parent)}.${own}` : own;
  }
  const parent = node.parent;
  if (ts.isVariableDeclaration(parent) && ts.isIdentifier(parent.name)) return parent.name.text;
  if (ts.isPropertyAssignment(parent) && (ts.isIdentifier(parent.name) || ts.isStringLiteral(parent.name))) return parent.name.text;
  const line = tree.getLineAndCharacterOfPosition(node.getStart(tree)).line + 1;
  return `<anonymous>:${line}`;
}

function className(node: ts.Node): string {
  return ts.isClassLike(node) && node.name ? node.name.text : "<class>";
}
