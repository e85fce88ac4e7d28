import { describe, expect, it } from "vitest";
import { shareBuilds } from "../../../src/features/board/share-builds.js";

/** A build that counts its runs and finishes (or fails) when told. */
function counted() {
  const runs: { done: (value: string) => void; fail: (error: Error) => void }[] = [];
  return {
    runs,
    build: () => new Promise<string>((done, fail) => runs.push({ done, fail })),
  };
}

/** The failures a shareBuilds was told of. */
function failures() {
  const told: unknown[] = [];
  return { told, onFailure: (error: unknown) => told.push(error) };
}

/** Lets the builds' own callbacks (keeping a done build, dropping a failed one) run. */
const settled = () => new Promise((wake) => setImmediate(wake));

describe("shareBuilds", () => {
  it("gives whoever asks for a key being built that build", async () => {
    const shared = shareBuilds<string>({ reuseForMs: 0, ...failures() });
    const { runs, build } = counted();
    const first = shared("county", "10:35", build);
    const second = shared("county", "10:35", build);
    const other = shared("area", "10:35", build);
    expect(runs).toHaveLength(2);
    runs[0]!.done("board");
    runs[1]!.done("area board");
    expect(await Promise.all([first, second, other])).toEqual(["board", "board", "area board"]);
  });

  it("gives a done build again for its time, to the same stamp only", async () => {
    const shared = shareBuilds<string>({ reuseForMs: 3_600_000, ...failures() });
    const { runs, build } = counted();
    const first = shared("county", "10:35", build);
    runs[0]!.done("board at 10:35");
    await first;
    expect(await shared("county", "10:35", build)).toBe("board at 10:35");
    expect(runs).toHaveLength(1);
    const next = shared("county", "10:36", build);
    expect(runs).toHaveLength(2);
    runs[1]!.done("board at 10:36");
    expect(await next).toBe("board at 10:36");
  });

  it("builds again once its time is over, and keeps no failed build", async () => {
    const shared = shareBuilds<string>({ reuseForMs: 0, ...failures() });
    const { runs, build } = counted();
    const first = shared("county", "10:35", build);
    runs[0]!.done("board");
    await first;
    void shared("county", "10:35", build);
    expect(runs).toHaveLength(2);
    const { told, onFailure } = failures();
    const failing = shareBuilds<string>({ reuseForMs: 3_600_000, onFailure });
    await expect(failing("county", "10:35", () => Promise.reject(new Error("Redis timed out")))).rejects.toThrow("Redis timed out");
    expect(told).toEqual([new Error("Redis timed out")]);
    expect(await failing("county", "10:35", () => Promise.resolve("board"))).toBe("board");
  });

  it("gives the last build while it is showable and the next one runs, one at a time, then the next", async () => {
    const shared = shareBuilds<string>({ reuseForMs: 0, showable: () => true, ...failures() });
    const { runs, build } = counted();
    const first = shared("county", "10:35", build);
    runs[0]!.done("board at 10:35");
    await first;
    // Past its time: given at once, and one build runs behind however many ask.
    expect(await shared("county", "10:36", build)).toBe("board at 10:35");
    expect(await shared("county", "10:36", build)).toBe("board at 10:35");
    expect(runs).toHaveLength(2);
    runs[1]!.done("board at 10:36");
    await settled();
    expect(await shared("county", "10:36", build)).toBe("board at 10:36");
    expect(runs).toHaveLength(3);
  });

  it("keeps giving the last good build while the next ones fail and it is showable; past that, the failure", async () => {
    let showable = true;
    const { told, onFailure } = failures();
    const shared = shareBuilds<string>({ reuseForMs: 0, showable: () => showable, onFailure });
    const { runs, build } = counted();
    const first = shared("county", "10:35", build);
    runs[0]!.done("board at 10:35");
    await first;
    expect(await shared("county", "10:36", build)).toBe("board at 10:35");
    runs[1]!.fail(new Error("Redis timed out"));
    await settled();
    expect(told).toEqual([new Error("Redis timed out")]);
    // The failed build is not kept: the next ask starts another, and is given the last good one meanwhile.
    expect(await shared("county", "10:36", build)).toBe("board at 10:35");
    expect(runs).toHaveLength(3);
    showable = false;
    const waiting = shared("county", "10:37", build);
    expect(runs).toHaveLength(3);
    runs[2]!.fail(new Error("Redis timed out"));
    await expect(waiting).rejects.toThrow("Redis timed out");
    expect(told).toHaveLength(2);
    // Once a build succeeds again, it is given.
    const back = shared("county", "10:37", build);
    runs[3]!.done("board at 10:37");
    expect(await back).toBe("board at 10:37");
  });

  it("makes whoever asks wait for the next build once the last is not showable", async () => {
    let showable = true;
    const shared = shareBuilds<string>({ reuseForMs: 0, showable: () => showable, ...failures() });
    const { runs, build } = counted();
    const first = shared("county", "10:35", build);
    runs[0]!.done("board at 10:35");
    await first;
    showable = false;
    const waiting = shared("county", "10:40", build);
    runs[1]!.done("board at 10:40");
    expect(await waiting).toBe("board at 10:40");
  });
});
