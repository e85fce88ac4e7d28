/**
 * What grew between two heap snapshots of one process (bench:soak -- --heap DIR --heap-every 3),
 * and what holds it: every object reachable from the roots is named by its kind:constructor and
 * the chain of its first retainers (the shortest path from the roots, `depth` links), and the
 * self sizes are summed by that name in each snapshot. A cache that fills, a Map never pruned, a
 * queue that backs up each show as one line that grows, with the variable or property that holds
 * it (`Context.recalled`, `Denque.commandQueue`…); churn (a value replaced by another) cancels out.
 * Depth 0 counts by constructor alone. Garbage a snapshot still holds is not counted: only what
 * the roots reach.
 *
 *   npx tsx bench/support/compare-heaps.ts A.heapsnapshot B.heapsnapshot [top 30] [depth 4]
 */
import { readFileSync } from "node:fs";

interface Snapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[], ...unknown[]]; edge_fields: string[]; edge_types: [string[], ...unknown[]] } };
  nodes: number[];
  edges: number[];
  strings: string[];
}

/** Ids in names and numbered links (`Array @1234`, a context's slot 17) differ between snapshots of the same thing. */
const unnumber = (text: string) => (/^\d+$/.test(text) ? "[]" : text.slice(0, 40).replace(/@\d+/g, "@"));

function tally(path: string, depth: number): Map<string, { count: number; bytes: number }> {
  const heap = JSON.parse(readFileSync(path, "utf8")) as Snapshot;
  const { nodes, edges, strings } = heap;
  const { node_fields: nf, edge_fields: ef, node_types: [nodeKinds], edge_types: [edgeKinds] } = heap.snapshot.meta;
  const [kindAt, nameAt, sizeAt, edgeCountAt] = ["type", "name", "self_size", "edge_count"].map((f) => nf.indexOf(f)) as [number, number, number, number];
  const [edgeKindAt, edgeNameAt, toAt] = ["type", "name_or_index", "to_node"].map((f) => ef.indexOf(f)) as [number, number, number];
  const N = nf.length;
  const E = ef.length;
  const count = nodes.length / N;
  const firstEdge = new Uint32Array(count + 1);
  for (let i = 0; i < count; i += 1) firstEdge[i + 1] = firstEdge[i]! + nodes[i * N + edgeCountAt]! * E;
  const unnamed = new Set(["string", "concatenated string", "sliced string", "number"]);
  const name = (i: number) => {
    const kind = nodeKinds[nodes[i * N + kindAt]!]!;
    return `${kind}:${unnamed.has(kind) ? "" : unnumber(strings[nodes[i * N + nameAt]!]!)}`;
  };
  const byIndex = new Set(["element", "hidden"]);
  const edgeName = (e: number) => (byIndex.has(edgeKinds[edges[e + edgeKindAt]!]!) ? "[]" : unnumber(strings[edges[e + edgeNameAt]!]!));
  // Breadth first from the root along strong links: each object's first retainer on a shortest path.
  const skipped = new Set([edgeKinds.indexOf("weak"), edgeKinds.indexOf("shortcut")]);
  const parentEdge = new Int32Array(count).fill(-1);
  const parent = new Int32Array(count).fill(-1);
  const seen = new Uint8Array(count);
  seen[0] = 1;
  const queue = new Uint32Array(count);
  let tail = 1;
  for (let head = 0; head < tail; head += 1) {
    const i = queue[head]!;
    for (let e = firstEdge[i]!; e < firstEdge[i + 1]!; e += E) {
      if (skipped.has(edges[e + edgeKindAt]!)) continue;
      const j = edges[e + toAt]! / N;
      if (seen[j]) continue;
      seen[j] = 1;
      parent[j] = i;
      parentEdge[j] = e;
      queue[tail++] = j;
    }
  }
  const out = new Map<string, { count: number; bytes: number }>();
  for (let i = 1; i < count; i += 1) {
    if (!seen[i]) continue;
    const chain = [name(i)];
    for (let j = i, up = 0; up < depth && parent[j]! > 0; up += 1, j = parent[j]!) chain.push(`${name(parent[j]!)}.${edgeName(parentEdge[j]!)}`);
    const key = chain.join(" <- ");
    const entry = out.get(key) ?? { count: 0, bytes: 0 };
    entry.count += 1;
    entry.bytes += nodes[i * N + sizeAt]!;
    out.set(key, entry);
  }
  return out;
}

const [before, after, top = "30", depth = "4"] = process.argv.slice(2);
if (!before || !after) throw new Error("usage: compare-heaps.ts BEFORE.heapsnapshot AFTER.heapsnapshot [TOP] [DEPTH]");
const a = tally(before, Number(depth));
const b = tally(after, Number(depth));
const total = (t: typeof a) => [...t.values()].reduce((sum, { bytes }) => sum + bytes, 0) / 1024;
console.log(`reachable: ${total(a).toFixed(0)} KB before, ${total(b).toFixed(0)} KB after`);
const rows = [...new Set([...a.keys(), ...b.keys()])].map((key) => {
  const x = a.get(key) ?? { count: 0, bytes: 0 };
  const y = b.get(key) ?? { count: 0, bytes: 0 };
  return { key, bytes: y.bytes - x.bytes, count: y.count - x.count, after: y.count };
});
rows.sort((p, q) => q.bytes - p.bytes);
console.log("growth_kb  growth_count  count_after  object <- its first retainers");
for (const row of rows.slice(0, Number(top))) console.log(`${(row.bytes / 1024).toFixed(1).padStart(9)}  ${String(row.count).padStart(12)}  ${String(row.after).padStart(11)}  ${row.key}`);
