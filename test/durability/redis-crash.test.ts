import { afterAll, beforeAll, expect, it } from "vitest";
import { startHarness, type Harness } from "../support/harness.js";

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ now: "2026-11-24T09:00:00+08:00" });
});
afterAll(() => h.close());

/**
 * redis-server is SIGKILLed while check-ins arrive and started again: every check-in the bot
 * acknowledged ("已登记") must be there afterwards, because the embedded Redis fsyncs its AOF
 * on every write. Check-ins that came while Redis was down must have been told "稍后再发".
 */
it("loses no acknowledged check-in when redis-server is killed and restarted", async () => {
  const schools = h.roster.schools;
  const acknowledged: { code: string; day: string }[] = [];
  let refused = 0;
  const crash = (async () => {
    await new Promise((done) => setTimeout(done, 150));
    await h.redis.kill("SIGKILL");
    await new Promise((done) => setTimeout(done, 300));
    await h.redis.restart();
  })();
  const start = Date.parse("2026-11-24T09:00:00+08:00");
  let crashed = false;
  void crash.then(() => (crashed = true));
  // At least 600 check-ins, and on until Redis is back and has acknowledged enough of them
  // (on a loaded machine the clients take longer to reconnect).
  for (let k = 0; k < 600 || (k < 3000 && !(crashed && acknowledged.length > 100)); k += 1) {
    const school = schools[k % schools.length]!;
    const dayIndex = Math.floor(k / schools.length);
    h.clock.set(new Date(start + dayIndex * 86_400_000));
    const day = new Date(start + dayIndex * 86_400_000 + 8 * 3_600_000).toISOString().slice(0, 10);
    const reply = await h.sim.say({ from: school.reporters[0]!, text: `平安 ${school.code}` });
    if (reply.markdown?.includes("已登记")) acknowledged.push({ code: school.code, day });
    else {
      expect(reply.markdown).toContain("稍后再发");
      refused += 1;
    }
  }
  await crash;
  // The client reconnects by itself; wait until it does.
  for (let i = 0; i < 100 && h.client.status !== "ready"; i += 1) await new Promise((d) => setTimeout(d, 50));
  const missing: string[] = [];
  for (const { code, day } of acknowledged) {
    if (!(await h.store.get("safety", day, code))) missing.push(`${code}@${day}`);
  }
  expect(refused).toBeGreaterThan(0);
  expect(acknowledged.length).toBeGreaterThan(100);
  expect(missing).toEqual([]);
});
