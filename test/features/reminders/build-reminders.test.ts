import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { planReminders } from "../../../src/features/reminders/plan-reminders.js";
import { reminderTargetsOf } from "../../../src/features/reminders/reminder-targets.js";
import { splitMessage } from "../../../src/push/enqueue.js";
import { startLeaderDeps } from "../leaders/fixtures.js";
import { deadlineAt } from "../../../src/time/due.js";
import type { TaskPeriod } from "../../../src/time/task-calendar.js";

let env: Awaited<ReturnType<typeof startLeaderDeps>>;
const NINE = new Date("2026-11-24T09:00:00+08:00");
/** A request's instant and its deadline words, at 09:00 on Tuesday. */
const at = (period: TaskPeriod) => ({ now: NINE, deadline: deadlineAt(env.periods, period, NINE) });
beforeAll(async () => {
  env = await startLeaderDeps();
});
afterAll(() => env.redis.stop());
beforeEach(async () => {
  await env.client.flushdb();
});

describe("planReminders", () => {
  it("sends each group its own missing schools, mentioning exactly their reporters, never the leaders' group", async () => {
    const { deps, tuesday } = env;
    await env.seed(["CG004", "DB001", "XB004", "BB002"]);
    const pushes = (await planReminders(deps, { task: "safety", period: tuesday, slot: "09:00", ...at(tuesday) })).map((plan) => plan.push);
    expect(pushes.map((p) => p.idempotencyKey)).toEqual([
      "remind:safety:2026-11-24:09:00:cg",
      "remind:safety:2026-11-24:09:00:east",
      "remind:safety:2026-11-24:09:00:rest",
    ]);
    expect(pushes.map((p) => p.group)).toEqual(["cg", "east", "rest"]);
    const mentions = pushes.map((p) => {
      const [body] = splitMessage(p.message);
      return body?.msgtype === "text" ? body.text.mentioned_list : undefined;
    });
    expect(mentions).toEqual([["chen_jing"], ["hu_bin", "zhou_jie"], ["zhou_jie", "tang_lin"]]);
    const plans = await planReminders(deps, { task: "safety", period: tuesday, slot: "09:45", ...at(tuesday) });
    expect(plans.map((p) => [p.groupName, p.schools.map((s) => s.code)])).toEqual([
      ["城关校长群", ["CG004"]],
      ["东部校长群", ["DB001", "XB004"]],
      ["西北校长群", ["XB004", "BB002"]],
    ]);
  });

  it("skips exempt schools and builds nothing when none is missing or nothing is due", async () => {
    const { deps, tuesday } = env;
    await env.seed(["CG004"]);
    await deps.exemptions.exempt({
      school: "CG004", task: "safety", start: tuesday.id, end: tuesday.id, periods: [tuesday.id],
      by: "liu_xin", at: "2026-11-24T00:00:00Z", msgid: "m1", raw: "",
    });
    expect(await planReminders(deps, { task: "safety", period: tuesday, slot: "09:00", ...at(tuesday) })).toEqual([]);
    const drowning = env.periods.at("drowning", new Date("2026-11-24T09:00:00+08:00"))!;
    expect(drowning.required).toBe(false);
    expect(await planReminders(deps, { task: "drowning", period: drowning, slot: "thu 16:00", ...at(drowning) })).toEqual([]);
  });

  it("names only the schools that owe the period: none the task leaves out, none that joined after it was due", async () => {
    const { deps, tuesday } = env;
    await env.seed(["CG004", "DB001", "XB004", "BB002"]);
    const schools = deps.roster.schools.map((school) => (school.code === "BB002" ? { ...school, joined: "2026-11-25" } : school));
    const roster = { ...deps.roster, schools };
    const period = { ...tuesday, schools: ["CG004", "XB004", "BB002"] };
    const plans = await planReminders({ ...deps, roster }, { task: "safety", period, slot: "09:00", ...at(period) });
    expect(plans.flatMap((plan) => plan.schools.map((school) => school.code))).toEqual(["CG004", "XB004", "XB004"]);
  });

  it("tells each group to @-mention the bot that serves it, where the deployment hosts several", async () => {
    const { deps, tuesday } = env;
    await env.seed(["CG004", "DB001"]);
    const bots = [{ id: "east", name: "东部平安助手", groups: ["east"] }] as unknown as NonNullable<typeof deps.config.bots>;
    const hosted = { ...deps, config: { ...deps.config, bots } };
    const text = (plan: { push: { message: unknown } }) => JSON.stringify(plan.push.message);
    const plans = await planReminders(hosted, { task: "safety", period: tuesday, slot: "09:00", ...at(tuesday) });
    expect(text(plans.find((p) => p.group === "east")!)).toContain("@东部平安助手 平安");
    expect(text(plans.find((p) => p.group === "cg")!)).toContain(`@${deps.config.bot.name} 平安`);
  });

  it("puts a kind's card under the reminder only where the smart bot pushes: a group robot gets the text alone", async () => {
    const { deps } = env;
    const study = env.periods.at("study", NINE)!;
    const groups = { ...deps.config.groups, east: { ...deps.config.groups.east!, via: "bot", chatid: "wr_east" } } as typeof deps.config.groups;
    const plans = await planReminders({ ...deps, config: { ...deps.config, groups } }, { task: "study", period: study, slot: "fri 15:00", ...at(study) });
    expect(plans.map((p) => [p.group, p.push.card?.buttons.map((b) => b.text)])).toEqual([
      ["cg", undefined],
      ["east", ["与上次相同"]],
      ["rest", undefined],
    ]);
  });

  it("builds a task's targets once per roster and config: a reminder only picks the lines of the schools missing now", () => {
    const { deps } = env;
    const targets = reminderTargetsOf(deps.config, deps.roster, "safety");
    expect(reminderTargetsOf(deps.config, deps.roster, "safety")).toBe(targets);
    expect(targets.groups.map((target) => target.group)).toEqual(["cg", "east", "rest"]);
    expect(reminderTargetsOf({ ...deps.config }, deps.roster, "safety")).not.toBe(targets);
  });

  it("refuses a period of another task", async () => {
    await expect(planReminders(env.deps, { task: "study", period: env.tuesday, slot: "09:00", ...at(env.tuesday) })).rejects.toThrow(
      /given a period of safety/,
    );
  });
});
