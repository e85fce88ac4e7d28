import { afterAll, beforeAll, expect, it } from "vitest";
import { startHarness, type Harness } from "../support/harness.js";
import { waitFor } from "../support/wait-for.js";
import { createIncidentStore } from "../../src/store/incidents.js";
import { createKeys } from "../../src/store/keys.js";

let h: Harness;
// The leaders' robot takes 4 messages every 3 s here (WeCom: 20 a minute): the same squeeze, faster.
beforeAll(async () => {
  h = await startHarness({ now: "2026-11-24T08:40:00+08:00", rate: { perWindow: 4, windowMs: 3000 } });
});
afterAll(() => h.close());

/**
 * 29 alerts in a burst, while the leaders' window is full most of the time, with 城关一小
 * flipping 异常 → 撤销 → 异常. Alerts reach the group in the order of their events, merged
 * into one message of current statuses when they queue up, so the last word the leaders read
 * about every school is its state: for 城关一小, 异常 with the latest text.
 */
it("keeps the leaders' last word about each school true through a burst", async () => {
  const schools = h.roster.schools.filter((s) => s.code !== "CG001").slice(0, 26);
  await h.say("zhang_wei", "异常 第一次：操场围栏倒塌");
  for (const school of schools.slice(0, 13)) await h.say(school.reporters[0]!, `异常 ${school.code} 情况 ${school.code}`);
  await h.say("zhang_wei", "撤销 平安");
  for (const school of schools.slice(13)) await h.say(school.reporters[0]!, `异常 ${school.code} 情况 ${school.code}`);
  await h.say("zhang_wei", "异常 第二次：围栏已拆除，仍有积水");

  const leaders = () => h.webhook.messages.filter((m) => m.group === "局领导群");
  // Every school's latest news has reached the group (merged or not).
  const cg001 = h.roster.byCode("CG001")!;
  const mentions = (content: string, school: { name: string; shortName: string }) => content.includes(school.name) || content.includes(school.shortName);
  const lastAbout = (school: { name: string; shortName: string }) => leaders().filter((m) => mentions(m.content, school)).at(-1)?.content ?? "";
  await waitFor(
    "every school's last word",
    () => lastAbout(cg001).includes("第二次") && schools.every((s) => lastAbout(s).includes(`情况 ${s.code}`)),
    { timeoutMs: 60_000, everyMs: 200 },
  );
  await h.drainPushes();

  const messages = leaders();
  expect(h.webhook.rejected).toEqual([]);
  // Fewer messages than alerts: the queued ones were merged, and nothing was sent twice.
  expect(messages.length).toBeLessThan(29);
  expect(new Set(messages.map((m) => m.content)).size).toBe(messages.length);
  const digests = messages.filter((m) => m.content.includes("异常动态"));
  expect(digests.length).toBeGreaterThan(0);
  // A digest names each abnormal school's incident by its number, as a single alert does: the one its report opened.
  const incidents = createIncidentStore({ redis: h.client, keys: createKeys() });
  const numbered = digests.flatMap((m) => [...m.content.matchAll(/> \*\*(\S+)\*\* 事件 #(\d+)：⚠️ 异常/gu)]);
  const abnormalLines = digests.flatMap((m) => [...m.content.matchAll(/：⚠️ 异常 — /gu)]);
  expect(abnormalLines.length).toBeGreaterThan(0);
  expect(numbered.length, JSON.stringify(digests.map((m) => m.content))).toBe(abnormalLines.length);
  for (const [, name, number] of numbered) expect(h.roster.byCode((await incidents.read(Number(number)))!.school)!.shortName).toBe(name);
  expect(digests.every((m) => m.content.includes("收到 #编号"))).toBe(true);
  // Leaders read who reported by name, in single alerts and digests alike.
  const userids = [...schools.map((s) => s.reporters[0]!), "zhang_wei"];
  expect(messages.filter((m) => userids.some((id) => m.content.includes(id))).map((m) => m.content)).toEqual([]);
  // 城关一小's messages in the order of its events: no 撤销 after the second 异常.
  const about = messages.map((m) => m.content).filter((c) => mentions(c, cg001));
  const second = about.findIndex((c) => c.includes("第二次"));
  expect(second, JSON.stringify(about)).toBe(about.length - 1);
  // Said once: a digest that showed the second report leaves its own alert out, wherever it queued.
  expect(about.filter((c) => c.includes("第二次")), JSON.stringify(about)).toHaveLength(1);
  expect(lastAbout(cg001)).toContain("异常");
  expect(lastAbout(cg001)).not.toContain("撤销");
});
