import { isMap, isScalar, isSeq, type Document, type LineCounter } from "yaml";
import type { KeyPath } from "./problems.js";

/**
 * A look-up from a key path to the 1-based line of that key in the YAML source. When the path
 * is not in the document (a missing key, a default), the line of its deepest present ancestor.
 */
export function createKeyLineFinder(
  doc: Document,
  lineCounter: LineCounter,
): (path: KeyPath) => number | undefined {
  const lineAt = (offset: number | undefined) =>
    offset === undefined ? undefined : lineCounter.linePos(offset).line;
  return (path) => {
    let node: unknown = doc.contents;
    let line: number | undefined;
    for (const segment of path) {
      if (isMap(node)) {
        const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(segment));
        if (!pair) break;
        line = lineAt(isScalar(pair.key) ? pair.key.range?.[0] : undefined) ?? line;
        node = pair.value;
      } else if (isSeq(node) && typeof segment === "number") {
        const item: unknown = node.items[segment];
        if (!item) break;
        const range = (item as { range?: [number, number, number] }).range;
        line = lineAt(range?.[0]) ?? line;
        node = item;
      } else {
        break;
      }
    }
    return line;
  };
}
