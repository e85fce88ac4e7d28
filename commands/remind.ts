import { defineCommand } from "../src/bot/command.js";
import { sendReminders } from "../jobs/send-reminders.js";
import { parseTaskList } from "../src/features/leaders/parse-task-list.js";
import { leaderText } from "../src/features/leaders/leader-text.js";
import { deadlineAt, nextWorkingTime } from "../src/time/due.js";
import { toLocalDate } from "../src/time/local-time.js";

/** Words that send a 提醒 at once even outside the working hours (`提醒 平安 立即`), wherever they stand. */
const AT_ONCE = /立即|现在|马上/gu;

export default defineCommand({
  id: "remind",
  aliases: ["提醒", "催报"],
  roles: ["leader", "admin"],
  services: ["config", "roster", "calendar", "store", "exemptions", "push", "cooldowns"],
  summary:
    "在学校群里提醒未报的学校（只 @ 未报学校的上报人）；不写任务时只提醒今天截止的任务；刚提醒过的不重复提醒；" +
    "推送时段以外（夜里）到时段开始才发，加“立即”马上发",
  examples: ["提醒", "提醒 平安", "催报 学习", "提醒 平安 立即"],
  parse: (input, ctx) => {
    const rest = input.folded.replace(AT_ONCE, " ");
    return { ...parseTaskList(rest, ctx, { quote: input.quote }), atOnce: rest !== input.folded };
  },
  async run({ tasks, atOnce }, ctx) {
    const zone = ctx.config.timezone;
    const today = toLocalDate(ctx.now, zone);
    // Nobody is @-mentioned at night unless the leader says so: the reminders wait for the working hours.
    const goesAt = atOnce ? ctx.now : nextWorkingTime(ctx.config, ctx.now);
    const holdUntil = goesAt > ctx.now ? goesAt : undefined;
    const lines: string[] = [];
    let held = false;
    for (const task of tasks ?? ctx.calendar.tasks) {
      const period = ctx.calendar.at(task, ctx.now);
      if (!period) continue;
      if (!period.required) {
        if (tasks) lines.push(leaderText.taskNotRequired(period.taskName, period.reason));
        continue;
      }
      // Unnamed, only the tasks due today: a Wednesday 提醒 is no Friday reminder.
      if (!tasks && toLocalDate(period.deadline, zone) !== today) continue;
      if (holdUntil && toLocalDate(holdUntil, zone) > period.end) {
        lines.push(leaderText.remindOverBy(period.taskName, period, holdUntil, ctx.now, zone));
        held = true;
        continue;
      }
      // The msgid in the key: a repeated callback of this message is the same reminder, not a repeat.
      const outcome = await sendReminders(ctx, { task, period, slot: `manual:${ctx.msgid}`, now: ctx.now, deadline: deadlineAt(ctx.calendar, period, ctx.now) }, holdUntil ? { holdUntil } : {});
      if (outcome.heldUntil && outcome.groups.some((group) => group.state === "queued")) held = true;
      lines.push(...outcome.notes);
    }
    if (held) return [leaderText.remindOutsideHours(ctx.config.working_hours), ...lines, leaderText.remindNowHint((tasks ?? []).map((task) => ctx.calendar.taskWord(task)))].join("\n");
    if (lines.length > 0) return lines.join("\n");
    return tasks ? leaderText.noRequiredTask : leaderText.remindNothingToday;
  },
});
