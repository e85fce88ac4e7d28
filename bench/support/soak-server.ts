/**
 * A service of bench/soak.ts: callback-server.ts (its protocol, `full`), which also answers
 * `{ type: "live" }` with `{ type: "live", heapUsed, majors }`: the heap used just after the
 * latest major collection the load itself brought on (mark-compact), and how many there were.
 * heapUsed sampled at a random moment carries the young generation and the old one's garbage
 * (±5 MB a minute under the soak), which hides a growth of a few MB an hour; just after a major
 * collection it is what the process holds. Watched, not forced: a collection forced each minute
 * shrinks the heap and the RSS the soak is there to measure.
 */
import { constants, PerformanceObserver } from "node:perf_hooks";
import "./callback-server.js";

/** What a major collection left, NaN until the first. */
export interface SoakLive {
  type: "live";
  heapUsed: number;
  majors: number;
}

const live: SoakLive = { type: "live", heapUsed: Number.NaN, majors: 0 };
new PerformanceObserver((list) => {
  // Entries arrive batched, soon after the collection: what was allocated since is a few hundred KB at the soak's rate.
  if (!list.getEntries().some((entry) => (entry as PerformanceEntry & { detail?: { kind: number } }).detail?.kind === constants.NODE_PERFORMANCE_GC_MAJOR)) return;
  live.heapUsed = process.memoryUsage().heapUsed;
  live.majors += 1;
}).observe({ entryTypes: ["gc"] });

process.on("message", (message: { type?: string }) => {
  if (message.type === "live") process.send!(live);
});
