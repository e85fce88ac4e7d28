import { describe, expect, it } from "vitest";
import { findRooms, WALK_START } from "../../../scripts/trace/find-rooms.js";
import type { EntryEvent } from "../../../scripts/trace/recorder.js";

/** A recorded call: `file` entered from `caller` (none: no project frame), with these project files on the stack below the caller. */
function calls(...list: [walk: number, file: string, caller?: string, ...deeper: string[]][]): EntryEvent[] {
  return list.map(([walk, file, caller, ...deeper], seq) => ({
    seq,
    walk,
    file,
    fn: "f",
    ...(caller !== undefined && { caller, callerFn: "g" }),
    below: caller === undefined ? [] : [caller, ...deeper],
  }));
}

describe("findRooms", () => {
  it("lists files in the order first entered, with their folders, and a straight walk enters no room twice", () => {
    const rooms = findRooms(
      calls(
        [0, "src/wecom/receiver.ts"],
        [0, "src/bot/dispatch.ts", "src/wecom/receiver.ts"],
        [0, "src/bot/dispatch.ts", "src/bot/dispatch.ts", "src/wecom/receiver.ts"],
        [0, "commands/safety.ts", "src/bot/dispatch.ts", "src/wecom/receiver.ts"],
      ),
    );
    expect(rooms.files.map((f) => [f.file, f.folder, f.entered])).toEqual([
      ["src/wecom/receiver.ts", "src/wecom", 1],
      ["src/bot/dispatch.ts", "src/bot", 1],
      ["commands/safety.ts", "commands", 1],
    ]);
    expect(rooms.folders).toEqual(["src/wecom", "src/bot", "commands"]);
    expect(rooms.reenteredFiles).toEqual([]);
    expect(rooms.reenteredFolders).toEqual([]);
  });

  it("counts a loop's calls from one room as entries through one door, not as a room entered twice", () => {
    const rooms = findRooms(calls([0, "src/store/reports.ts"], [0, "src/store/keys.ts", "src/store/reports.ts"], [0, "src/store/keys.ts", "src/store/reports.ts"]));
    expect(rooms.files.find((f) => f.file === "src/store/keys.ts")?.entered).toBe(2);
    expect(rooms.reenteredFiles).toEqual([]);
  });

  it("finds a file entered from two files, and a folder entered from two folders", () => {
    const rooms = findRooms(
      calls(
        [0, "src/features/check-in.ts"],
        [0, "src/time/calendar.ts", "src/features/check-in.ts"],
        [0, "src/bot/words.ts", "src/features/check-in.ts"],
        [0, "src/time/calendar.ts", "src/bot/words.ts", "src/features/check-in.ts"],
      ),
    );
    expect(rooms.reenteredFiles).toEqual([
      {
        room: "src/time/calendar.ts",
        from: [
          { source: "src/features/check-in.ts", times: 1, nested: false },
          { source: "src/bot/words.ts", times: 1, nested: false },
        ],
      },
    ]);
    expect(rooms.reenteredFolders.map((r) => r.room)).toEqual(["src/time"]);
  });

  it("finds a room entered again while it was still on the stack (A → B → A), even through the one same door", () => {
    const rooms = findRooms(
      calls(
        [0, "commands/x.ts"],
        [0, "src/bot/y.ts", "commands/x.ts"],
        [0, "commands/z.ts", "src/bot/y.ts", "commands/x.ts"],
        [0, "src/bot/w.ts", "commands/z.ts", "src/bot/y.ts", "commands/x.ts"],
        [0, "src/bot/y.ts", "commands/x.ts"],
        [0, "src/bot/y.ts", "src/bot/w.ts", "commands/z.ts", "src/bot/y.ts", "commands/x.ts"],
      ),
    );
    const doors = (list: typeof rooms.reenteredFiles) => list.map((r) => [r.room, r.from.map((d) => `${d.source}${d.nested ? "*" : ""} ×${d.times}`)]);
    expect(doors(rooms.reenteredFolders)).toEqual([
      ["commands", [`${WALK_START} ×1`, "src/bot* ×1"]],
      ["src/bot", ["commands* ×3"]],
    ]);
    expect(doors(rooms.reenteredFiles)).toEqual([["src/bot/y.ts", ["commands/x.ts ×2", "src/bot/w.ts* ×1"]]]);
  });

  it("counts a walk's start as where it was entered from, and a later call with no project frame as resumed work, not an entry", () => {
    const rooms = findRooms(
      calls(
        [0, "jobs/run-slots.ts"],
        [0, "src/push/queue.ts", "jobs/run-slots.ts"],
        [1, "src/push/queue.ts"],
        [1, "src/push/queue.ts"],
      ),
    );
    expect(rooms.files.find((f) => f.file === "src/push/queue.ts")).toEqual({ file: "src/push/queue.ts", folder: "src/push", entered: 2, resumed: 1 });
    expect(rooms.reenteredFiles.map((r) => r.from.map((d) => d.source))).toEqual([["jobs/run-slots.ts", WALK_START]]);
  });

  it("leaves out the simulator and the demo, and says they ran", () => {
    const rooms = findRooms(calls([0, "src/wecom/simulator/fake-webhook.ts"], [0, "src/dev/run-demo.ts"], [1, "src/push/deliver.ts"]));
    expect(rooms.files.map((f) => f.file)).toEqual(["src/push/deliver.ts"]);
    expect(rooms.excludedRan).toEqual(["src/wecom/simulator/fake-webhook.ts", "src/dev/run-demo.ts"]);
  });
});
