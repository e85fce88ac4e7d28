/**
 * A service of bench/soak.ts: callback-server.ts (its protocol, `full`), run with `--expose-gc`,
 * and on `{ type: "live" }` a full collection first, then `{ type: "live", ...process.memoryUsage() }`.
 * heapUsed sampled at a random moment carries up to the young generation and the garbage of the
 * old one since the last major collection (±5 MB a minute under the soak), which hides a growth
 * of a few MB an hour; after a collection it is what the process holds.
 */
import "./callback-server.js";

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error("soak-server needs node --expose-gc");

process.on("message", (message: { type?: string }) => {
  if (message.type !== "live") return;
  gc();
  process.send!({ type: "live", ...process.memoryUsage() });
});
