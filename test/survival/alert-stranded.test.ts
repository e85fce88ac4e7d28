import { afterAll, beforeAll, expect, it } from "vitest";
import { createKeys } from "../../src/store/keys.js";
import { startHarness, type Harness } from "../support/harness.js";
import { waitFor } from "../support/wait-for.js";

const keys = createKeys();

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ now: "2026-11-24T09:00:00+08:00", redisFaults: true });
});
afterAll(() => h.close());

const reachedLeaders = (text: string) => h.webhook.messages.some((m) => m.group === "局领导群" && m.content.includes(text));

/**
 * The alert is in the leaders' mailbox, but queueing the turn that sends it fails (Redis
 * refuses that one command, as on a lost connection or a kill right there). The outbox hands
 * the alert on again, the mailbox has it already: the alert must still go out, without
 * waiting for another alert to reach the group.
 */
it("sends an alert whose turn could not be queued", async () => {
  h.redisFaults!.failNext('"kind":"drain"');
  expect(await h.say("zhang_wei", "异常 化粪池盖板松动，已围挡")).toContain("已登记");
  expect(h.redisFaults!.refused()).toBe(1);
  await waitFor("the alert at the leaders", () => reachedLeaders("化粪池盖板松动"), { timeoutMs: 30_000, everyMs: 100 });
});

/**
 * The turn runs, but Redis refuses it every attempt until BullMQ gives the job up (failed).
 * The alert is still in the mailbox past the cursor: the workers find it and send it.
 */
it("sends an alert whose turn used up its attempts", async () => {
  await h.drainPushes();
  h.redisFaults!.failNext(keys.mailboxLease("leaders"), 5);
  expect(await h.say("wang_fang", "异常 食堂冰柜断电，食材已转移")).toContain("已登记");
  await waitFor("the turn given up", async () => (await h.pushQueue.queue.getJobs(["failed"])).some((job) => job.data.kind === "drain"), { timeoutMs: 20_000 });
  expect(reachedLeaders("食堂冰柜断电")).toBe(false);
  await waitFor("the alert at the leaders", () => reachedLeaders("食堂冰柜断电"), { timeoutMs: 30_000, everyMs: 100 });
});
