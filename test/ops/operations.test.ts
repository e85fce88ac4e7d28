import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startHarness, type Harness } from "../support/harness.js";
import { TEST_ENV } from "../support/test-env.js";

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ now: "2026-11-24T09:00:00+08:00" });
});
afterAll(() => h.close());

describe("GET /healthz", () => {
  it("reports Redis, the queues and the pushes per group by name, never a webhook key", async () => {
    const response = await fetch(`${h.url}/healthz`);
    expect(response.status).toBe(200);
    const body = (await response.json()) as Record<string, any>;
    expect(body.status).toBe("ok");
    expect(body.redis.ok).toBe(true);
    expect(body.queues["{push}"]).toMatchObject({ waiting: 0, failed: 0 });
    expect(body.pushes.leaders.name).toBe("局领导群");
    expect(JSON.stringify(body)).not.toContain(TEST_ENV.WEBHOOK_KEY_LEADERS);
  });
});

describe("GET /healthz calendar", () => {
  it("warns from 1 November, by the service's clock, that 2027's holiday notice is not imported; a warning is no failure", async () => {
    const calendarAt = async (now: string) => {
      h.clock.set(new Date(now));
      const response = await fetch(`${h.url}/healthz`);
      expect(response.status).toBe(200);
      const body = (await response.json()) as Record<string, any>;
      expect(body.status).toBe("ok");
      return body.calendar;
    };
    try {
      expect(await calendarAt("2026-10-20T09:00:00+08:00")).toEqual({ status: "ok" });
      const november = await calendarAt("2026-11-05T09:00:00+08:00");
      expect(november.status).toBe("warning");
      expect(november.missing_holiday_years).toEqual([2027]);
      expect(november.warnings).toEqual([expect.stringMatching(/^2027 年放假调休安排尚未导入：pingan holidays import /)]);
    } finally {
      h.clock.set(new Date("2026-11-24T09:00:00+08:00"));
    }
  });
});

describe("GET /metrics", () => {
  it("counts callbacks by outcome, commands by id and times replies", async () => {
    await h.say("zhang_wei", "平安");
    await h.say("zhang_wei", "学习 60/52");
    await h.sim.post("not json", {});
    const text = await (await fetch(`${h.url}/metrics`)).text();
    expect(text).toMatch(/pingan_callbacks_total\{bot="default",outcome="replied"\} [1-9]/);
    expect(text).toMatch(/pingan_callbacks_total\{bot="default",outcome="bad_request"\} 1/);
    expect(text).toMatch(/pingan_commands_total\{command="safety",result="ok"\} 1/);
    expect(text).toMatch(/pingan_commands_total\{command="study",result="user_error"\} 1/);
    expect(text).toMatch(/pingan_reply_seconds_count\{bot="default"\} [1-9]/);
    expect(text).toMatch(/pingan_queue_jobs\{queue="\{push\}",state="waiting"\} 0/);
  });
});

describe("/admin/queues", () => {
  it("asks for the admin token and opens with it", async () => {
    const anonymous = await fetch(`${h.url}/admin/queues`);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get("www-authenticate")).toContain("Basic");
    const wrong = await fetch(`${h.url}/admin/queues`, { headers: { authorization: "Bearer nope" } });
    expect(wrong.status).toBe(401);
    const basic = Buffer.from(`admin:${TEST_ENV.PINGAN_ADMIN_TOKEN}`).toString("base64");
    const page = await fetch(`${h.url}/admin/queues`, { headers: { authorization: `Basic ${basic}` } });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("<html");
    const api = await fetch(`${h.url}/admin/queues/api/queues`, {
      headers: { authorization: `Bearer ${TEST_ENV.PINGAN_ADMIN_TOKEN}` },
    });
    expect(api.status).toBe(200);
    expect(JSON.stringify(await api.json())).toContain("{push}");
  });
});
