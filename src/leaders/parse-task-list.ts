import type { CommandContext } from "../bot/command.js";
import { UsageError, UserError } from "../bot/errors.js";
import { splitWords } from "../bot/normalize.js";
import type { TaskId } from "../config/schema.js";
import { parseTaskWord } from "../tasks/task-words.js";
import { leaderText } from "../text/leader-text.js";

/** The tasks named in `未报 平安` / `提醒 学习`; undefined when none is named (all tasks due now). */
export function parseTaskList(folded: string, ctx: Pick<CommandContext, "periods">): TaskId[] | undefined {
  const words = splitWords(folded);
  if (words.length === 0) return undefined;
  const tasks: TaskId[] = [];
  for (const word of words) {
    const task = parseTaskWord(word);
    if (!task) throw new UsageError(leaderText.whichTask(word));
    if (!ctx.periods.tasks.includes(task)) throw new UserError("task_disabled", leaderText.taskOff(word));
    if (!tasks.includes(task)) tasks.push(task);
  }
  return tasks;
}
