import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

/**
 * `npm run trace -- <path>` as anyone runs it: each path runs the real service and prints its
 * files, its rooms entered twice and its Redis round trips. Today's figures are not asserted
 * (the code is to be restructured): only that the report is whole, consistent and plausible,
 * that the files a path must run are there and the files it must not run are not.
 */
const run = promisify(execFile);
const LAST_LINE =
  /^trace: path=(?<path>\S+) files=(?<files>\d+) folders=(?<folders>\d+) reentered_folders=(?<reenteredFolders>\d+) reentered_files=(?<reenteredFiles>\d+) redis_round_trips=(?<trips>\d+) redis_in_sequence=(?<inSequence>\d+)$/u;
const FILE_LINE = /^ +\d+ {2}(?<file>\S+\.ts) +(?<folder>\S+) +(?<entered>\d+)/u;

async function trace(path: string) {
  const { stdout } = await run("npm", ["run", "--silent", "trace", "--", path], { maxBuffer: 4 * 1024 * 1024, timeout: 110_000 });
  const lines = stdout.trimEnd().split("\n");
  const last = LAST_LINE.exec(lines.at(-1) ?? "");
  expect(last, `last line of:\n${stdout}`).not.toBeNull();
  const figures = Object.fromEntries(Object.entries(last!.groups!).map(([key, value]) => [key, key === "path" ? value : Number(value)])) as Record<
    "files" | "folders" | "reenteredFolders" | "reenteredFiles" | "trips" | "inSequence",
    number
  > & { path: string };
  const files = lines.flatMap((line) => {
    const match = FILE_LINE.exec(line);
    return match ? [{ file: match.groups!.file!, folder: match.groups!.folder!, entered: Number(match.groups!.entered) }] : [];
  });
  return { stdout, lines, figures, files };
}

/** What holds on every path, whatever the code's shape. */
function expectPlausible({ stdout, lines, figures, files }: Awaited<ReturnType<typeof trace>>, path: string) {
  expect(figures.path).toBe(path);
  expect(files).toHaveLength(figures.files);
  expect(figures.files).toBeGreaterThanOrEqual(5);
  expect(figures.files).toBeLessThan(200);
  expect(new Set(files.map((f) => f.file)).size).toBe(files.length);
  expect(new Set(files.map((f) => f.folder)).size).toBe(figures.folders);
  expect(figures.reenteredFolders).toBeLessThanOrEqual(figures.folders);
  expect(figures.reenteredFiles).toBeLessThanOrEqual(figures.files);
  expect(figures.trips).toBeGreaterThanOrEqual(1);
  expect(figures.inSequence).toBeGreaterThanOrEqual(1);
  expect(figures.inSequence).toBeLessThanOrEqual(figures.trips);
  for (const { file, folder, entered } of files) {
    expect(file).toMatch(/^(src|commands|jobs)\//u);
    expect(file.startsWith(`${folder}/`) && !file.slice(folder.length + 1).includes("/")).toBe(true);
    expect(entered).toBeGreaterThanOrEqual(1);
  }
  // The simulator, the demo and test support are never the service's path.
  expect(files.filter((f) => /^(src\/wecom\/simulator|src\/dev|test|scripts)\//u.test(f.file))).toEqual([]);
  expect(lines.find((line) => line.includes("folders in order:"))).toBe(`folders in order: ${[...new Set(files.map((f) => f.folder))].join(" → ")}`);
  expect(stdout).toContain(`reentered_folders=${figures.reenteredFolders} reentered_files=${figures.reenteredFiles}`);
  expect(stdout).toMatch(/server side \(MONITOR.*\): [1-9]\d* of these commands executed/u);
  expect(stdout).not.toContain("warning:");
}

const names = (files: { file: string }[]) => files.map((f) => f.file);

describe("npm run trace", () => {
  it("checkin: a 平安 over the callback URL runs the callback receiver and the check-in (the safety reader, then check-in.ts), not the long connection", async () => {
    const traced = await trace("checkin");
    expectPlausible(traced, "checkin");
    expect(traced.stdout).toContain("reply: ✅");
    expect(names(traced.files)).toEqual(expect.arrayContaining(["src/wecom/callback-receiver.ts", "src/features/check-in/kind-readers.ts", "src/features/check-in/check-in.ts"]));
    expect(names(traced.files)).not.toContain("src/wecom/long-connection-receiver.ts");
  });

  it("ws-checkin: the same over the long connection runs its receiver, not the callback's", async () => {
    const traced = await trace("ws-checkin");
    expectPlausible(traced, "ws-checkin");
    expect(traced.stdout).toContain("reply: ✅");
    expect(names(traced.files)).toEqual(expect.arrayContaining(["src/wecom/long-connection-receiver.ts", "src/features/check-in/kind-readers.ts", "src/features/check-in/check-in.ts"]));
    expect(names(traced.files)).not.toContain("src/wecom/callback-receiver.ts");
  });

  it("reminder: the 09:00 slot job runs the slots job through to a push delivered, and no chat command", async () => {
    const traced = await trace("reminder");
    expectPlausible(traced, "reminder");
    expect(traced.stdout).toMatch(/delivered \S+ to 全县校长群/u);
    expect(names(traced.files)).toContain("jobs/run-slots.ts");
    expect(names(traced.files).filter((file) => file.startsWith("commands/") || file === "src/wecom/callback-receiver.ts")).toEqual([]);
  });
});
