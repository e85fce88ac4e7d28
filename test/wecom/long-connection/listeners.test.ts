import { describe, expect, it } from "vitest";
import { createListeners } from "../../../src/wecom/long-connection/listeners.js";

describe("listeners", () => {
  it("calls every listener of the name; one that throws or rejects is reported and the others still run", async () => {
    const failed: string[] = [];
    const listeners = createListeners<{ tick: (n: number) => unknown; other: () => unknown }>((error, name) => failed.push(`${String(name)}: ${(error as Error).message}`));
    const seen: number[] = [];
    listeners.on("tick", () => {
      throw new Error("sync");
    });
    listeners.on("tick", async () => Promise.reject(new Error("async")));
    const off = listeners.on("tick", (n) => seen.push(n));
    listeners.emit("tick", 1);
    off();
    listeners.emit("tick", 2);
    listeners.emit("other");
    await new Promise((done) => setImmediate(done));
    expect(seen).toStrictEqual([1]);
    expect(failed.sort()).toStrictEqual(["tick: async", "tick: async", "tick: sync", "tick: sync"]);
  });
});
