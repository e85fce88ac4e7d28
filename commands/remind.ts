import { defineCommand } from "../src/bot/command.js";
import { describeRemindOutcome, sendReminders } from "../src/features/reminders/send-reminders.js";
import { parseTaskList } from "../src/features/leaders/parse-task-list.js";
import { leaderText } from "../src/features/leaders/leader-text.js";
import { toLocalDate } from "../src/time/local-time.js";

export default defineCommand({
  id: "remind",
  aliases: ["提醒", "催报"],
  roles: ["leader", "admin"],
  summary: "在学校群里提醒未报的学校（只 @ 未报学校的上报人）；不写任务时只提醒今天截止的任务；刚提醒过的不重复提醒",
  examples: ["提醒", "提醒 平安", "催报 学习"],
  parse: ({ folded }, ctx) => parseTaskList(folded, ctx),
  async run({ tasks }, ctx) {
    const zone = ctx.config.timezone;
    const today = toLocalDate(ctx.now, zone);
    const lines: string[] = [];
    for (const task of tasks ?? ctx.calendar.tasks) {
      const period = ctx.calendar.at(task, ctx.now);
      if (!period) continue;
      if (!period.required) {
        if (tasks) lines.push(leaderText.taskNotRequired(period.taskName, period.reason));
        continue;
      }
      // Unnamed, only the tasks due today: a Wednesday 提醒 is no Friday reminder.
      if (!tasks && toLocalDate(period.deadline, zone) !== today) continue;
      // The msgid in the key: a repeated callback of this message is the same reminder, not a repeat.
      const outcome = await sendReminders(ctx, { task, period, slot: `manual:${ctx.msgid}`, now: ctx.now });
      lines.push(...describeRemindOutcome(outcome, ctx.config, ctx.now));
    }
    if (lines.length > 0) return lines.join("\n");
    return tasks ? leaderText.noRequiredTask : leaderText.remindNothingToday;
  },
});
