import { beforeEach, describe, expect, it } from "vitest";
import { createKeys } from "../../../src/store/keys.js";
import { useIncidentClocks } from "../../support/incident-clocks.js";
import { waitFor } from "../../support/wait-for.js";
import { sayAt } from "../../commands/leader-seed.js";

const LEADERS = "局领导群";
const PRINCIPALS = "全县校长群";
// Clocks of seconds, so that the delayed jobs run within the test: 3 s to acknowledge, 3.6 s to follow up.
const ACK_MS = 3_000;
const EDITS: [string, string][] = [
  ["  ack_minutes: 15", `  ack_minutes: ${ACK_MS / 60_000}`],
  ["  follow_up_hours: 4", "  follow_up_hours: 0.001"],
  ["  on_duty: []", "  on_duty: [wang_zhiyuan]"],
];

const env = useIncidentClocks(EDITS);
beforeEach(async () => {
  await waitFor("the incident clocks to settle", async () => Object.values(await env.clocks.getJobCounts("waiting", "active")).every((n) => n === 0));
  await env.clocks.obliterate({ force: true });
  await env.h.drainPushes();
  await env.h.clearData();
  env.h.webhook.messages.length = 0;
});

const sent = (group: string) => env.h.webhook.messages.filter((m) => m.group === group);
const jobDone = async (id: string) => {
  await waitFor(`clock ${id} to run`, async () => (await (await env.clocks.getJob(id))?.getState()) === "completed", { timeoutMs: 60_000 });
  return (await env.clocks.getJob(id))!.returnvalue as string;
};

describe("an incident on the clock", () => {
  it("not acknowledged is pushed again @-mentioning the leader on duty, then again at twice the delay, and its reporter is reminded, each once", async () => {
    await sayAt(env.h, "2026-11-24T10:00:00+08:00", "zhang_wei", "异常 一名学生课间摔伤，已送医");
    expect(await jobDone("ack#1#1")).toBe("escalated 1");
    expect(await jobDone("ack#1#2")).toBe("escalated 2");
    expect(await jobDone("follow#1#0")).toBe("reminded");
    await env.h.drainPushes();
    const escalations = sent(LEADERS).filter((m) => m.msgtype === "text");
    expect(escalations.map((m) => m.content.split("\n")[0])).toEqual([
      "⏰ 事件 #1（城关一小）报告已 0 分钟，还没有领导回复「收到」",
      "⏰ 事件 #1（城关一小）报告已 0 分钟，还没有领导回复「收到」",
    ]);
    expect(escalations.map((m) => m.mentioned_list)).toEqual([["wang_zhiyuan"], ["wang_zhiyuan"]]);
    const reminders = sent(PRINCIPALS);
    expect(reminders).toHaveLength(1);
    expect(reminders[0]!.content).toContain("事件 #1（城关一小）已 0.001 个工作小时没有续报");
    expect(reminders[0]!.mentioned_list).toEqual(["zhang_wei"]);
    // A clock set again (another turn, a restart) is the same job and sends nothing more.
    await sayAt(env.h, "2026-11-24T10:01:00+08:00", "wang_zhiyuan", "汇总");
    expect((await env.h.client.lrange(`${createKeys().incidentPrefix()}1:steps`, 0, -1)).map((s) => JSON.parse(s).kind)).toEqual(["open", "escalated", "reminded", "escalated"]);
  });

  it("acknowledged in time escalates nothing, and a 续报 restarts the follow-up clock", async () => {
    await sayAt(env.h, "2026-11-24T10:00:00+08:00", "zhang_wei", "异常 校门口积水");
    // A leader learns the number from the alert, which opens the incident.
    await env.h.drainPushes();
    await sayAt(env.h, "2026-11-24T10:00:01+08:00", "chen_xiaohong", "收到 #1");
    await sayAt(env.h, "2026-11-24T10:00:02+08:00", "zhang_wei", "续报 已安排人员值守");
    expect(await jobDone("ack#1#1")).toBe("acknowledged");
    expect(await jobDone("follow#1#0")).toBe("followed up");
    expect(await jobDone("follow#1#1")).toBe("reminded");
    await env.h.drainPushes();
    expect(sent(LEADERS).filter((m) => m.msgtype === "text")).toHaveLength(0);
    expect(sent(PRINCIPALS)).toHaveLength(1);
  });

  it("waits for the working hours unless urgent, which halves the clock", async () => {
    await sayAt(env.h, "2026-11-24T22:00:00+08:00", "zhang_wei", "异常 一名学生课间摔伤");
    await sayAt(env.h, "2026-11-24T22:00:00+08:00", "wang_fang", "异常 一名学生失踪，正在寻找");
    await env.h.drainPushes();
    const quiet = await env.clocks.getJob("ack#1#1");
    const urgent = await env.clocks.getJob("ack#2#1");
    // 22:00 is past working_hours' end (21:30): the escalation waits for 07:00, nine hours on.
    expect(quiet!.opts.delay).toBe(9 * 3600_000);
    expect(urgent!.opts.delay).toBe(ACK_MS / 2);
    expect(await jobDone("ack#2#1")).toBe("escalated 1");
    await env.h.drainPushes();
    const [escalation] = sent(LEADERS).filter((m) => m.msgtype === "text");
    expect(escalation!.mentioned_list).toEqual(["wang_zhiyuan", "chen_xiaohong"]);
  });
});
