import { describe, expect, it } from "vitest";
import { shareBuilds } from "../../../src/features/board/share-builds.js";

/** A build that counts its runs and finishes when told. */
function counted() {
  const runs: ((value: string) => void)[] = [];
  return {
    runs,
    build: () => new Promise<string>((done) => runs.push(done)),
  };
}

describe("shareBuilds", () => {
  it("gives whoever asks for a key being built that build", async () => {
    const shared = shareBuilds<string>({ reuseForMs: 0 });
    const { runs, build } = counted();
    const first = shared("county", "10:35", build);
    const second = shared("county", "10:35", build);
    const other = shared("area", "10:35", build);
    expect(runs).toHaveLength(2);
    runs[0]!("board");
    runs[1]!("area board");
    expect(await Promise.all([first, second, other])).toEqual(["board", "board", "area board"]);
  });

  it("gives a done build again for its time, to the same stamp only", async () => {
    const shared = shareBuilds<string>({ reuseForMs: 3_600_000 });
    const { runs, build } = counted();
    const first = shared("county", "10:35", build);
    runs[0]!("board at 10:35");
    await first;
    expect(await shared("county", "10:35", build)).toBe("board at 10:35");
    expect(runs).toHaveLength(1);
    const next = shared("county", "10:36", build);
    expect(runs).toHaveLength(2);
    runs[1]!("board at 10:36");
    expect(await next).toBe("board at 10:36");
  });

  it("builds again once its time is over, and keeps no failed build", async () => {
    const shared = shareBuilds<string>({ reuseForMs: 0 });
    const { runs, build } = counted();
    const first = shared("county", "10:35", build);
    runs[0]!("board");
    await first;
    void shared("county", "10:35", build);
    expect(runs).toHaveLength(2);
    const failing = shareBuilds<string>({ reuseForMs: 3_600_000 });
    await expect(failing("county", "10:35", () => Promise.reject(new Error("Redis timed out")))).rejects.toThrow("Redis timed out");
    expect(await failing("county", "10:35", () => Promise.resolve("board"))).toBe("board");
  });
});
