import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { Cluster } from "ioredis";
import { startLocalCluster, type LocalCluster } from "../../scripts/redis-cluster.js";
import { connectRedis, parseClusterUrl, waitReady, type RedisClient } from "../../src/store/connect-redis.js";
import { createKeys } from "../../src/store/keys.js";
import { createReportStore } from "../../src/store/reports.js";
import { loadSchoolPlaces } from "../../src/store/school-numbers.js";
import type { School } from "../../src/config/roster.js";

let cluster: LocalCluster;
let dir: string;
let redis: RedisClient;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "pingan-cluster-"));
  cluster = await startLocalCluster({ dir });
  redis = connectRedis(cluster.url, { role: "worker" });
  await waitReady(redis);
});
afterAll(async () => {
  redis.disconnect();
  await cluster.stop();
  rmSync(dir, { recursive: true, force: true });
});

it("parses a cluster URL with or without a password", () => {
  expect(parseClusterUrl("redis+cluster://a:7000,b:7001")).toEqual({ nodes: [{ host: "a", port: 7000 }, { host: "b", port: 7001 }], tls: false });
  expect(parseClusterUrl("redis+cluster://:s%40cret@a:7000").password).toBe("s@cret");
});

it("connects with the Cluster client and records a report whose keys share one slot", async () => {
  expect(redis).toBeInstanceOf(Cluster);
  const keys = createKeys();
  const slots = await Promise.all(
    [keys.periodState("safety", "2026-11-24"), keys.periodLog("safety", "2026-11-24"), keys.periodMsgids("safety", "2026-11-24")].map(
      (key) => redis.call("CLUSTER", "KEYSLOT", key) as Promise<number>,
    ),
  );
  expect(new Set(slots).size).toBe(1);
  const store = createReportStore({ redis, keys });
  const report = {
    school: "CG001", task: "safety" as const, period: "2026-11-24", value: { task: "safety" as const, status: "normal" as const },
    by: "zhang_wei", at: "2026-11-24T01:00:00.000Z", late: false, msgid: "m1", raw: "平安",
  };
  expect((await store.put(report)).outcome).toBe("report");
  expect((await store.put(report)).outcome).toBe("duplicate");
  expect(await store.get("safety", "2026-11-24", "CG001")).toEqual(report);
  expect(await store.history("CG001", [{ task: "safety", period: "2026-11-24" }])).toHaveLength(1);
});

it("reads which schools reported or are exempt, keys of two slots sent at once", async () => {
  const keys = createKeys();
  const schools = [{ code: "CG001", area: "城关片区" }, { code: "CG002", area: "城关片区" }, { code: "CG003", area: "城关片区" }] as School[];
  const places = await loadSchoolPlaces(redis, keys, schools);
  const store = createReportStore({ redis, keys, places });
  await redis.hset(keys.exemptions("safety", "2026-11-25"), "CG003", JSON.stringify({ by: "x", at: "2026-11-25T00:00:00.000Z" }));
  await store.put({
    school: "CG001", task: "safety", period: "2026-11-25", value: { task: "safety", status: "normal" },
    by: "zhang_wei", at: "2026-11-25T01:00:00.000Z", late: false, msgid: "m2", raw: "平安",
  });
  expect(await store.reportedOrExempt("safety", "2026-11-25", schools)).toEqual([true, false, true]);
});

it("reads several schools' histories over periods of two slots, each command on its own node", async () => {
  const keys = createKeys();
  const store = createReportStore({ redis, keys });
  const days = ["2026-11-26", "2026-11-27"];
  const periods = days.map((period) => ({ task: "safety" as const, period }));
  expect(new Set(await Promise.all(days.map((day) => redis.call("CLUSTER", "KEYSLOT", keys.periodLog("safety", day)) as Promise<number>))).size).toBe(2);
  for (const [i, period] of days.entries()) {
    await store.put({
      school: "CG001", task: "safety", period, value: { task: "safety", status: "normal" },
      by: "zhang_wei", at: `${period}T01:00:00.000Z`, late: false, msgid: `h${i}`, raw: "平安",
    });
  }
  const histories = await store.histories([{ school: "CG001", periods }, { school: "CG002", periods }]);
  expect(histories.map((events) => events.map((e) => e.msgid))).toEqual([["h1", "h0"], []]);
});
