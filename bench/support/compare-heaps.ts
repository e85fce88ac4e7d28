/**
 * What grew between two V8 heap snapshots (bench:soak -- --heap DIR writes them): objects
 * counted and sized by constructor (or kind, for strings, arrays, closures…), the largest
 * growths first.
 *
 *   npx tsx bench/support/compare-heaps.ts DIR/callback-start.heapsnapshot DIR/callback-end.heapsnapshot [20]
 */
import { readFileSync } from "node:fs";

interface Snapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[], ...unknown[]] } };
  nodes: number[];
  strings: string[];
}

/** count and self size by "kind:name" */
function tally(path: string): Map<string, { count: number; bytes: number }> {
  const heap = JSON.parse(readFileSync(path, "utf8")) as Snapshot;
  const fields = heap.snapshot.meta.node_fields;
  const kinds = heap.snapshot.meta.node_types[0];
  const [typeAt, nameAt, sizeAt] = ["type", "name", "self_size"].map((f) => fields.indexOf(f)) as [number, number, number];
  const out = new Map<string, { count: number; bytes: number }>();
  for (let i = 0; i < heap.nodes.length; i += fields.length) {
    const kind = kinds[heap.nodes[i + typeAt]!]!;
    // Strings are named by their text: group them by kind alone.
    const name = kind === "object" || kind === "closure" ? heap.strings[heap.nodes[i + nameAt]!]! : "";
    const key = `${kind}:${name}`;
    const entry = out.get(key) ?? { count: 0, bytes: 0 };
    entry.count += 1;
    entry.bytes += heap.nodes[i + sizeAt]!;
    out.set(key, entry);
  }
  return out;
}

const [before, after, top = "25"] = process.argv.slice(2);
if (!before || !after) throw new Error("usage: compare-heaps.ts BEFORE.heapsnapshot AFTER.heapsnapshot [TOP]");
const a = tally(before);
const b = tally(after);
const rows = [...new Set([...a.keys(), ...b.keys()])].map((key) => {
  const x = a.get(key) ?? { count: 0, bytes: 0 };
  const y = b.get(key) ?? { count: 0, bytes: 0 };
  return { key, count: y.count - x.count, bytes: y.bytes - x.bytes, total: y.count };
});
rows.sort((p, q) => q.bytes - p.bytes);
console.log("growth_kb  growth_count  count_after  kind:constructor");
for (const row of rows.slice(0, Number(top))) console.log(`${(row.bytes / 1024).toFixed(0).padStart(9)}  ${String(row.count).padStart(12)}  ${String(row.total).padStart(11)}  ${row.key}`);
