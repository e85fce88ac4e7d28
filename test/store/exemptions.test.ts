import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createKeys } from "../../src/store/keys.js";
import { createExemptionStore, type ExemptionRequest, type ExemptionStore } from "../../src/store/exemptions.js";
import { startTestRedis, type TestRedis } from "../support/redis.js";

let redis: TestRedis;
let store: ExemptionStore;
beforeAll(async () => {
  redis = await startTestRedis();
  store = createExemptionStore({ redis: redis.client(), keys: createKeys() });
});
afterAll(() => redis.stop());
beforeEach(async () => {
  await redis.client().flushdb();
});

const request = (over: Partial<ExemptionRequest>): ExemptionRequest => ({
  school: "CG001",
  task: "safety",
  start: "2026-11-25",
  end: "2026-11-26",
  periods: ["2026-11-25", "2026-11-26"],
  reason: "中考考点",
  by: "liu_xin",
  at: "2026-11-24T09:00:00.000Z",
  msgid: "m1",
  raw: "免报 城关一小 平安 11-25至11-26 中考考点",
  ...over,
});

describe("exemption store", () => {
  it("keeps one exemption per school and period, under the task's hash tag", async () => {
    expect(await store.exempt(request({}))).toEqual({ outcome: "exempt", added: ["2026-11-25", "2026-11-26"], renewed: [] });
    expect([...(await store.list("safety", "2026-11-25")).values()]).toEqual([
      { school: "CG001", task: "safety", period: "2026-11-25", start: "2026-11-25", end: "2026-11-26", reason: "中考考点", by: "liu_xin", at: "2026-11-24T09:00:00.000Z", msgid: "m1" },
    ]);
    expect(await store.list("safety", "2026-11-27")).toEqual(new Map());
    expect(await store.list("study", "2026-11-25")).toEqual(new Map());
    const keys = (await redis.client().keys("*")).sort();
    expect(keys.filter((k) => k.includes("{exempt:"))).toEqual([
      "pa:{exempt:safety}:log",
      "pa:{exempt:safety}:msgids",
      "pa:{exempt:safety}:period:2026-11-25",
      "pa:{exempt:safety}:period:2026-11-26",
    ]);
    expect(await redis.client().ttl("pa:{exempt:safety}:period:2026-11-25")).toBeGreaterThan(300 * 24 * 3600);
  });

  it("renews an existing exemption, revokes only what exists, and is idempotent per msgid", async () => {
    await store.exempt(request({}));
    expect(await store.exempt(request({ msgid: "m2", periods: ["2026-11-26", "2026-11-27"], reason: "停电" }))).toEqual({
      outcome: "exempt",
      added: ["2026-11-27"],
      renewed: ["2026-11-26"],
    });
    expect((await store.list("safety", "2026-11-26")).get("CG001")?.reason).toBe("停电");
    expect(await store.exempt(request({ msgid: "m2" }))).toEqual({ outcome: "duplicate", added: [], renewed: [] });
    expect(await store.revoke(request({ msgid: "m3", periods: ["2026-11-24", "2026-11-25"] }))).toEqual({
      outcome: "revoke",
      removed: ["2026-11-25"],
    });
    expect(await store.list("safety", "2026-11-25")).toEqual(new Map());
    expect(await store.revoke(request({ msgid: "m3" }))).toEqual({ outcome: "duplicate", removed: [] });
  });

  it("keeps the school's events newest first, and the task's audit stream", async () => {
    await store.exempt(request({}));
    await store.revoke(request({ msgid: "m2", at: "2026-11-24T10:00:00.000Z", by: "wang_zhiyuan", periods: ["2026-11-26"] }));
    const events = await store.history("CG001");
    expect(events.map((e) => [e.type, e.by, e.changed, e.reason])).toEqual([
      ["revoke", "wang_zhiyuan", ["2026-11-26"], undefined],
      ["exempt", "liu_xin", ["2026-11-25", "2026-11-26"], "中考考点"],
    ]);
    expect(await store.history("CG002")).toEqual([]);
    const stream = await redis.client().xrange("pa:{exempt:safety}:log", "-", "+");
    expect(stream.map(([, fields]) => [fields[1], fields[5]])).toEqual([
      ["set", "1,2"],
      ["del", "1"],
    ]);
  });
});
