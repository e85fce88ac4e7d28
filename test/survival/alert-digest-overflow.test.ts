import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { utf8Bytes } from "../../src/push/enqueue.js";
import { startHarness, type Harness } from "../support/harness.js";

/** Twelve schools whose short names are long (a central school with its kindergarten and village sites). */
const LONG = "附属幼儿园及三个村级教学点联合校区";

let h: Harness;
let dir: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "pingan-digest-"));
  const [header, ...rows] = readFileSync("config/schools.example.csv", "utf8").trimEnd().split("\n");
  const roster = rows.map((row, i) => {
    if (i >= 12) return row;
    const cells = row.split(",");
    cells[2] = `${cells[1]}${LONG}`;
    return cells.join(",");
  });
  writeFileSync(join(dir, "schools.example.csv"), [header, ...roster].join("\n") + "\n");
  writeFileSync(join(dir, "pingan.yaml"), readFileSync("config/pingan.example.yaml", "utf8"));
  h = await startHarness({ now: "2026-11-24T09:00:00+08:00", config: join(dir, "pingan.yaml") });
});
afterAll(async () => {
  await h?.close();
  rmSync(dir, { recursive: true, force: true });
});

/**
 * Twelve alerts queue up (the push queue paused, as behind a full rate window) and merge into
 * 异常动态. With long school names and long descriptions, their lines add up to more than one
 * markdown message holds. Every school must reach the leaders, each message whole and within
 * WeCom's 4,096 bytes: none may be marked shown without being sent.
 */
it("delivers every school of a digest too long for one message", async () => {
  const schools = h.roster.schools.slice(0, 12);
  await h.pushQueue.queue.pause();
  for (const school of schools) {
    const reporter = school.reporters[0]!;
    const naming = h.roster.schoolsOf(reporter).length > 1 ? ` ${school.code}` : "";
    expect(await h.say(reporter, `异常${naming} 情况${school.code}${"🚑".repeat(80)}`)).toContain("已登记");
  }
  await h.pushQueue.queue.resume();
  await h.drainPushes();

  const leaders = h.webhook.messages.filter((m) => m.group === "局领导群");
  expect(h.webhook.rejected).toEqual([]);
  expect(leaders.some((m) => m.content.includes("异常动态"))).toBe(true);
  for (const m of leaders) expect(utf8Bytes(m.content)).toBeLessThanOrEqual(4096);
  // Each school once: in a digest or, the one left over, in its own alert.
  const times = (code: string) => leaders.filter((m) => m.content.includes(`情况${code}`)).length;
  expect(Object.fromEntries(schools.map((school) => [school.code, times(school.code)]))).toEqual(Object.fromEntries(schools.map((school) => [school.code, 1])));
});
