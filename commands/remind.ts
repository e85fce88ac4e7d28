import { defineCommand } from "../src/bot/command.js";
import { planReminders } from "../src/features/reminders/build-reminders.js";
import { loadTally } from "../src/features/leaders/load-tally.js";
import { parseTaskList } from "../src/features/leaders/parse-task-list.js";
import { leaderText } from "../src/features/leaders/leader-text.js";

export default defineCommand({
  id: "remind",
  aliases: ["提醒", "催报"],
  roles: ["leader", "admin"],
  summary: "马上在学校群里提醒未报的学校（只 @ 未报学校的上报人）；不写任务时提醒现在要报的全部任务",
  examples: ["提醒", "提醒 平安", "催报 学习"],
  parse: ({ folded }, ctx) => parseTaskList(folded, ctx),
  async run({ tasks }, ctx) {
    const lines: string[] = [];
    for (const task of tasks ?? ctx.calendar.tasks) {
      const period = ctx.calendar.at(task, ctx.now);
      if (!period) continue;
      if (!period.required) {
        if (tasks) lines.push(leaderText.taskNotRequired(period.taskName, period.reason));
        continue;
      }
      const tally = await loadTally(ctx, [period]);
      if (tally.missing === 0) {
        lines.push(leaderText.remindNone(period.taskName, period));
        continue;
      }
      // The msgid in the key: a repeated callback of this message reminds once.
      const plans = await planReminders(ctx, { task, period, slot: `manual:${ctx.msgid}` });
      for (const plan of plans) await ctx.push.enqueue(plan.push);
      const reminded = new Set(plans.flatMap((plan) => plan.schools.map((s) => s.code)));
      if (reminded.size > 0) {
        lines.push(leaderText.remindedGroups(period.taskName, period, reminded.size, plans.map((p) => p.groupName)));
      }
      if (reminded.size < tally.missing) lines.push(leaderText.remindNoGroup(period.taskName, tally.missing - reminded.size));
    }
    return lines.length > 0 ? lines.join("\n") : leaderText.noRequiredTask;
  },
});
