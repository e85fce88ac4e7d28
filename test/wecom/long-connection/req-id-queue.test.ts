import { describe, expect, it } from "vitest";
import { createReqIdQueue } from "../../../src/wecom/long-connection/req-id-queue.js";

/** A send that settles when the test says so. */
function pending<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe("per-req_id queue", () => {
  it("sends one frame per req_id at a time, in order, each after the previous settled (even when it failed)", async () => {
    const queue = createReqIdQueue();
    const started: string[] = [];
    const first = pending<string>();
    const second = pending<string>();
    const a = queue.run("r", () => (started.push("a"), first.promise));
    const b = queue.run("r", () => (started.push("b"), second.promise));
    const c = queue.run("r", async () => (started.push("c"), "c"));
    await Promise.resolve();
    expect(started).toStrictEqual(["a"]);
    first.reject(new Error("lost"));
    await expect(a).rejects.toThrow("lost");
    await new Promise((done) => setImmediate(done));
    expect(started).toStrictEqual(["a", "b"]);
    second.resolve("b");
    await expect(b).resolves.toBe("b");
    await expect(c).resolves.toBe("c");
    expect(started).toStrictEqual(["a", "b", "c"]);
  });

  it("lets different req_ids go side by side", async () => {
    const queue = createReqIdQueue();
    const started: string[] = [];
    const held = pending<void>();
    void queue.run("r1", () => (started.push("r1"), held.promise));
    await queue.run("r2", async () => void started.push("r2"));
    expect(started).toStrictEqual(["r1", "r2"]);
    held.resolve();
  });
});
