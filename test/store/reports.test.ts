import { afterAll, beforeAll, expect, it } from "vitest";
import { ErrorCode } from "../../src/errors.js";
import { createExemptionStore } from "../../src/store/exemptions.js";
import { createKeys } from "../../src/store/keys.js";
import { createReportStore } from "../../src/store/reports.js";
import type { Push } from "../../src/message/push.js";
import type { Report } from "../../src/store/report.js";
import { startTestRedis, type TestRedis } from "../support/redis.js";

let redis: TestRedis;
beforeAll(async () => {
  redis = await startTestRedis();
});
afterAll(() => redis.stop());

const DAY = [{ task: "safety" as const, period: "2026-11-24" }];

const report = (msgid: string, present: number): Report => ({
  school: "CG001",
  task: "safety",
  period: "2026-11-24",
  value: { task: "safety", status: "normal", present },
  by: "zhang_wei",
  at: "2026-11-24T01:00:00.000Z",
  late: false,
  msgid,
  raw: `平安 在校${present}`,
});

it("records once per msgid, replaces, withdraws, and keeps every event in the log and the history", async () => {
  const keys = createKeys("t1");
  const store = createReportStore({ redis: redis.client(), keys });
  expect((await store.put(report("m1", 2000))).outcome).toBe("report");
  expect((await store.put(report("m1", 2000))).outcome).toBe("duplicate");
  const replaced = await store.put(report("m2", 2100));
  expect(replaced.outcome).toBe("replace");
  expect(replaced.previous?.msgid).toBe("m1");
  const withdrawn = await store.withdraw({ task: "safety", period: "2026-11-24", school: "CG001", by: "zhang_wei", at: "2026-11-24T02:00:00.000Z", msgid: "m3", raw: "撤销 平安" });
  expect(withdrawn).toMatchObject({ outcome: "withdraw", previous: { msgid: "m2" } });
  expect((await store.withdraw({ task: "safety", period: "2026-11-24", school: "CG001", by: "zhang_wei", at: "2026-11-24T02:01:00.000Z", msgid: "m4", raw: "撤销 平安" })).outcome).toBe("nothing");
  expect(await store.get("safety", "2026-11-24", "CG001")).toBeUndefined();
  expect((await store.log("safety", "2026-11-24")).map((e) => `${e.type}:${e.msgid}`)).toEqual(["report:m1", "replace:m2", "withdraw:m3"]);
  expect((await store.history("CG001", DAY)).map((e) => `${e.type}:${e.msgid}`)).toEqual(["withdraw:m3", "replace:m2", "report:m1"]);
});

it("reads several schools' histories in one read, each as its own read gives it", async () => {
  const keys = createKeys("t-histories");
  const client = redis.client();
  const store = createReportStore({ redis: client, keys });
  const monday = { task: "safety" as const, period: "2026-11-23" };
  const tuesday = { task: "safety" as const, period: "2026-11-24" };
  const on = (school: string, msgid: string, day: string, time: string): Report => ({ ...report(msgid, 100), school, period: day, at: `${day}T${time}:00.000Z` });
  // CG001 reports, corrects and withdraws; CG002 reports on both days; CG003 nothing; CG004's Monday is reduced.
  await store.put(on("CG001", "m1", tuesday.period, "01:00"));
  await store.put(on("CG001", "m2", tuesday.period, "01:30"));
  await store.withdraw({ ...tuesday, school: "CG001", by: "zhang_wei", at: "2026-11-24T02:00:00.000Z", msgid: "m3", raw: "撤销 平安" });
  await store.put(on("CG002", "a1", monday.period, "01:00"));
  await store.put(on("CG002", "a2", tuesday.period, "01:00"));
  await client.hset(keys.periodState(monday.task, monday.period), "CG004", JSON.stringify(on("CG004", "r1", monday.period, "01:00")));
  await store.put(on("CG004", "r2", tuesday.period, "03:00"));

  const asks = [
    { school: "CG001", periods: [monday, tuesday] },
    { school: "CG003", periods: [monday, tuesday] },
    { school: "CG002", periods: [monday, tuesday] },
    { school: "CG004", periods: [monday, tuesday] },
    { school: "CG001", periods: [monday] },
    { school: "CG002", periods: [tuesday] },
  ];
  const histories = await store.histories(asks);
  expect(histories.map((events) => events.map((e) => `${e.school}:${e.type}:${e.msgid}`))).toEqual([
    ["CG001:withdraw:m3", "CG001:replace:m2", "CG001:report:m1"],
    [],
    ["CG002:report:a2", "CG002:report:a1"],
    ["CG004:report:r2"],
    [],
    ["CG002:report:a2"],
  ]);
  expect(histories[0]![0]!.previous?.msgid).toBe("m2");
  expect(histories).toEqual(await Promise.all(asks.map(({ school, periods }) => store.history(school, periods))));
  const limited = await store.histories(asks, 2);
  expect(limited).toEqual(await Promise.all(asks.map(({ school, periods }) => store.history(school, periods, 2))));
  expect(limited[0]!.map((e) => e.msgid)).toEqual(["m3", "m2"]);
  expect(await store.histories([])).toEqual([]);
});

it("commits the reply and what the report owes with it; the outbox is relayed once, by whoever gets there", async () => {
  const keys = createKeys("t2");
  const client = redis.client();
  const alert: Push = { idempotencyKey: "alert:m1:leaders", group: "leaders", message: { msgtype: "markdown", lines: [{ text: "异常" }] } };
  // The process that records dies before it can hand the alert on.
  const dying = createReportStore({ redis: client, keys, enqueue: () => Promise.reject(new Error("process gone")) });
  const first = await dying.put(report("m1", 2000), { expected: null, reply: "已登记", pushes: [alert] });
  expect(first.outcome).toBe("report");
  expect(await client.xlen(keys.periodOutbox("safety", "2026-11-24"))).toBe(1);
  expect((await dying.history("CG001", DAY)).map((e) => e.msgid)).toEqual(["m1"]);

  const queued: Push[] = [];
  const healthy = createReportStore({ redis: client, keys, enqueue: async (push) => void queued.push(push) });
  expect(await healthy.relay("safety", "2026-11-24")).toBe(1);
  expect(queued).toEqual([alert]);
  expect(await healthy.relay("safety", "2026-11-24")).toBe(0);
  // WeCom retries the message: nothing new is recorded, the same reply comes back.
  const retried = await healthy.put(report("m1", 2000), { expected: null, reply: "已登记（第二次计算）" });
  expect(retried).toMatchObject({ outcome: "duplicate", reply: "已登记" });
  expect(queued).toHaveLength(1);
  expect((await healthy.history("CG001", DAY)).map((e) => `${e.type}:${e.msgid}`)).toEqual(["report:m1"]);
});

it("writes nothing when the report it was answered against has changed", async () => {
  const keys = createKeys("t4");
  const store = createReportStore({ redis: redis.client(), keys });
  await store.put(report("m1", 2000));
  const stale = await store.put(report("m2", 2100), { expected: null, reply: "已登记" });
  expect(stale.outcome).toBe("conflict");
  expect(stale.previous?.msgid).toBe("m1");
  expect((await store.log("safety", "2026-11-24")).map((e) => e.msgid)).toEqual(["m1"]);
  const fresh = await store.put(report("m2", 2100), { expected: stale.previous!, reply: "已替换" });
  expect(fresh.outcome).toBe("replace");
});

it("keeps each school's latest abnormal report of the period apart, so 汇总 need not read the log", async () => {
  const keys = createKeys("t3");
  const client = redis.client();
  const store = createReportStore({ redis: client, keys });
  const abnormal = (msgid: string, description: string): Report => ({
    ...report(msgid, 0),
    value: { task: "safety", status: "abnormal", description },
    raw: `异常 ${description}`,
  });
  await store.put(report("m1", 2000));
  expect(await store.abnormal("safety", "2026-11-24")).toEqual(new Map());
  await store.put(abnormal("m2", "厨房燃气泄漏"));
  await store.put(abnormal("m3", "厨房燃气泄漏，已疏散"));
  await store.put(report("m4", 2000));
  expect((await store.put(abnormal("m2", "厨房燃气泄漏"))).outcome).toBe("duplicate");
  const last = await store.abnormal("safety", "2026-11-24");
  expect([...last.keys()]).toEqual(["CG001"]);
  expect(last.get("CG001")?.msgid).toBe("m3");
  expect(await client.ttl(keys.periodAbnormal("safety", "2026-11-24"))).toBeGreaterThan(399 * 24 * 3600);
  expect(await store.get("safety", "2026-11-24", "CG001")).toMatchObject({ msgid: "m4" });
});

it("reads a period whose state holds each school's final report, as the nightly reduction leaves it", async () => {
  const keys = createKeys("t5");
  const client = redis.client();
  const store = createReportStore({ redis: client, keys });
  const old = report("m1", 2000);
  await client.hset(keys.periodState("safety", "2026-11-24"), "CG001", JSON.stringify(old));
  expect(await store.get("safety", "2026-11-24", "CG001")).toEqual(old);
  expect(await store.list("safety", "2026-11-24")).toEqual(new Map([["CG001", old]]));
});

it("keeps every key of a period for its time, renewing the expiry only when it runs under it", async () => {
  const keys = createKeys("t-ttl");
  const client = redis.client();
  const store = createReportStore({ redis: client, keys });
  const expires = async () => Number(/cmdstat_expire:calls=(\d+)/.exec(await client.info("commandstats"))?.[1] ?? 0);
  await store.put(report("m1", 2000), { reply: "已登记" });
  const state = keys.periodState("safety", "2026-11-24");
  expect(await client.ttl(state)).toBeGreaterThanOrEqual(430 * 24 * 3600);
  expect(await client.ttl(keys.periodReplies("safety", "2026-11-24"))).toBeGreaterThanOrEqual(3 * 24 * 3600);
  expect(await client.ttl(keys.periodMsgids("safety", "2026-11-24"))).toBeGreaterThanOrEqual(3 * 24 * 3600);
  const after = await expires();
  await store.put({ ...report("m2", 1990), school: "CG002" }, { reply: "已登记" });
  expect(await expires()).toBe(after);
  // Run under the period's time (as a month later), the next record renews it.
  await client.expire(state, 400 * 24 * 3600);
  const renewed = await expires();
  await store.put({ ...report("m3", 1980), school: "CG003" }, { reply: "已登记" });
  expect(await client.ttl(state)).toBeGreaterThanOrEqual(430 * 24 * 3600);
  expect(await expires()).toBe(renewed + 1);
});

it("checks the expiry of only the period keys a record wrote, and keeps a key one creates after the others for the period's time", async () => {
  const keys = createKeys("t-ttl-written");
  const client = redis.client();
  const store = createReportStore({ redis: client, keys });
  const ttls = async () => Number(/cmdstat_ttl:calls=(\d+)/.exec(await client.info("commandstats"))?.[1] ?? 0);
  await store.put(report("m1", 2000), { reply: "已登记" });
  const before = await ttls();
  await store.put({ ...report("m2", 1990), school: "CG002" }, { reply: "已登记" });
  // State, log, msgids, replies: the keys a plain report writes (no places here: nothing counted).
  expect((await ttls()) - before).toBe(4);
  await store.put({ ...report("m3", 1980), school: "CG003", value: { task: "safety", status: "abnormal", description: "厨房燃气泄漏" }, raw: "异常 厨房燃气泄漏" });
  for (const key of [keys.periodListed("safety", "2026-11-24"), keys.periodAbnormalAt("safety", "2026-11-24"), keys.periodAbnormal("safety", "2026-11-24")]) {
    expect(await client.ttl(key)).toBeGreaterThanOrEqual(430 * 24 * 3600);
  }
});

it("undoes a report recorded before the log entries left the area out, under the school's area now", async () => {
  const keys = createKeys("t-layout");
  const client = redis.client();
  const places = { version: "v1", of: (code: string) => (code === "CG001" ? { area: "东部片区", nodes: [], number: 0 } : undefined), numbersOf: () => new Int32Array() };
  const store = createReportStore({ redis: client, keys, places });
  // As the earlier layout wrote it, under the area the school had then, and counted there; the recount has since moved the count.
  const id = await client.xadd(keys.periodLog("safety", "2026-11-24"), "*", "type", "report", "school", "CG001", "event", JSON.stringify({ value: { status: "normal" }, by: "zhang_wei", at: "2026-11-24T01:00:00.000Z", msgid: "old", raw: "平安" }), "counted", "城关片区\treported\t1");
  await client.hset(keys.periodState("safety", "2026-11-24"), "CG001", id!);
  await client.hset(keys.periodCounts("safety", "2026-11-24"), "reported:东部片区", 1);
  await store.put(report("m-new", 2000));
  expect(await client.hgetall(keys.periodCounts("safety", "2026-11-24"))).toEqual({ "reported:东部片区": "1" });
  await store.withdraw({ task: "safety", period: "2026-11-24", school: "CG001", by: "zhang_wei", at: "2026-11-24T02:00:00.000Z", msgid: "m-w", raw: "撤销 平安" });
  expect(await client.hgetall(keys.periodCounts("safety", "2026-11-24"))).toEqual({ "reported:东部片区": "0" });
});

it("tells the report in force by its own msgid, never by text in it that looks like one", async () => {
  const store = createReportStore({ redis: redis.client(), keys: createKeys("t-lookalike") });
  await store.put(report("m1", 2000));
  const forged = { ...report("m2", 2000), raw: '平安 "msgid":"m1" \\"msgid\\":\\"m1\\"', value: { task: "safety" as const, status: "abnormal" as const, description: '","msgid":"m1' } };
  expect((await store.put(forged, { expected: await store.get("safety", "2026-11-24", "CG001") })).outcome).toBe("replace");
  // A message answered against m1, which m2 has since replaced: a conflict, whatever m2's text says.
  const stale = await store.put(report("m3", 2100), { expected: report("m1", 2000) });
  expect(stale).toMatchObject({ outcome: "conflict", previous: { msgid: "m2" } });
  expect((await store.put(report("m3", 2100), { expected: forged })).outcome).toBe("replace");
});

it("counts a period the school is exempt from (免报) as owing nothing, and answers the 免报 of the report's own period with its reason", async () => {
  const keys = createKeys("t-ask-exempt");
  const client = redis.client();
  const store = createReportStore({ redis: client, keys });
  const exemptions = createExemptionStore({ redis: client, keys });
  const grant = (task: "safety" | "study", period: string, msgid: string, reason?: string) =>
    exemptions.exempt({ school: "CG001", task, start: "2026-11-23", end: "2026-11-27", periods: [period], ...(reason && { reason }), by: "wang_zhiyuan", at: "2026-11-24T00:00:00.000Z", msgid, raw: "免报" });
  const week = { task: "study" as const, period: "2026-W48" };
  await grant("study", "2026-W48", "e1");
  const first = await store.put(report("m1", 2000), { expected: null }, [week]);
  expect(first).toMatchObject({ outcome: "report", settled: [true] });
  expect(first.exempt).toBeUndefined();
  await grant("safety", "2026-11-24", "e2", "停电");
  expect(await store.put(report("m2", 2100), { expected: first.previous ?? report("m1", 2000) }, [week])).toMatchObject({ outcome: "replace", exempt: { reason: "停电" } });
  await client.del(keys.exemptions("safety", "2026-11-24"));
  await grant("safety", "2026-11-24", "e3");
  expect((await store.put(report("m3", 2200), { expected: report("m2", 2100) })).exempt).toEqual({});
});

it("reads whether the school owes the periods asked (a report in force, or 免报) and its 免报 in its own, with the record, in one round trip, and again after Redis forgot its scripts", async () => {
  const keys = createKeys("t-ask");
  const client = redis.client();
  const store = createReportStore({ redis: client, keys });
  const study: Report = { ...report("s1", 0), task: "study", period: "2026-W48", value: { task: "study", attended: 50, expected: 52 }, raw: "学习 50/52" };
  await store.put(study);
  const week = { task: "study" as const, period: "2026-W48" };
  const drowning = { task: "drowning" as const, period: "2026-11-24" };
  const sent: string[] = [];
  const sendCommand = client.sendCommand.bind(client);
  client.sendCommand = ((command: { name: string }, ...rest: unknown[]) => {
    sent.push(command.name);
    return (sendCommand as (...a: unknown[]) => unknown)(command, ...rest);
  }) as typeof client.sendCommand;
  // What reaches the socket: each write, as the number of chunks it carried.
  type Chunks = { chunk: unknown; encoding: BufferEncoding }[];
  const socket = client.stream as typeof client.stream & { _write: (...a: unknown[]) => void; _writev: (chunks: Chunks, done: () => void) => void };
  const { _write: write, _writev: writev } = socket;
  const writes: number[] = [];
  socket._write = (...a: unknown[]) => (writes.push(1), write.apply(socket, a));
  socket._writev = (chunks: Chunks, done: () => void) => (writes.push(chunks.length), writev.call(socket, chunks, done));
  try {
    const first = await store.put(report("m1", 2000), { expected: null }, [week, drowning]);
    expect(first.outcome).toBe("report");
    expect(first.settled).toEqual([true, false]);
    expect(first.exempt).toBeUndefined();
    // The record by EVALSHA, its own period's exemption, and each period's state and exemption, written to the connection in one write.
    expect(sent).toEqual(["evalsha", "hget", "hget", "hget", "hget", "hget"]);
    expect(writes).toHaveLength(1);
    await client.script("FLUSH");
    sent.length = 0;
    const again = await store.put(report("m2", 2100), { expected: first.previous ?? null }, [week]);
    expect(again.outcome).toBe("conflict");
    expect(again.settled).toEqual([true]);
    // The record answered NOSCRIPT, so it ran again alone, its text sent.
    expect(sent.filter((name) => name === "eval")).toHaveLength(1);
  } finally {
    client.sendCommand = sendCommand;
    socket._write = write;
    socket._writev = writev;
  }
});

it("recalls each school's report in force as it last recorded or was answered it, and forgets nothing it was not told", async () => {
  const store = createReportStore({ redis: redis.client(), keys: createKeys("t-recall") });
  expect(store.recalled("safety", "2026-11-24", "CG001")).toBeUndefined();
  await store.put(report("m1", 2000));
  // Kept packed, it comes back as the store reads it.
  expect(store.recalled("safety", "2026-11-24", "CG001")).toEqual(await store.get("safety", "2026-11-24", "CG001"));
  expect(store.recalled("safety", "2026-11-24", "CG001")).toMatchObject({ msgid: "m1" });
  // Another process's store records meanwhile: this one's guess is stale, and the record refused as a conflict teaches it.
  await createReportStore({ redis: redis.client(), keys: createKeys("t-recall") }).put(report("m2", 2100));
  const stale = await store.put(report("m3", 2200), { expected: store.recalled("safety", "2026-11-24", "CG001")! });
  expect(stale).toMatchObject({ outcome: "conflict", previous: { msgid: "m2" } });
  expect(store.recalled("safety", "2026-11-24", "CG001")).toMatchObject({ msgid: "m2" });
  await store.withdraw({ task: "safety", period: "2026-11-24", school: "CG001", by: "u", at: new Date(2300).toISOString(), msgid: "w1", raw: "撤销" });
  expect(store.recalled("safety", "2026-11-24", "CG001")).toBeNull();
});

it("says a record Redis refused wrote nothing (NotRecorded), so that the message may be sent again", async () => {
  const keys = createKeys("t-full");
  const client = redis.client();
  const store = createReportStore({ redis: client, keys });
  await client.config("SET", "maxmemory", "1");
  try {
    await expect(store.put(report("m1", 2000))).rejects.toMatchObject({ code: ErrorCode.NotRecorded });
  } finally {
    await client.config("SET", "maxmemory", "0");
  }
  expect(await store.get("safety", "2026-11-24", "CG001")).toBeUndefined();
});
