import type { CommandContext } from "../../bot/command.js";
import { ErrorCode, UsageError, UserError } from "../../errors.js";
import { parseTaskWord, splitWords } from "../../bot/words.js";
import type { TaskId } from "../../config/schema.js";
import { leaderText } from "./leader-text.js";

/** The tasks named in `未报 平安` / `提醒 学习`; none when none is named (all tasks due now). */
export function parseTaskList(folded: string, ctx: Pick<CommandContext, "calendar">): { tasks?: TaskId[] } {
  const words = splitWords(folded);
  if (words.length === 0) return {};
  const tasks: TaskId[] = [];
  for (const word of words) {
    const task = parseTaskWord(word);
    if (!task) throw new UsageError(leaderText.whichTask(word));
    if (!ctx.calendar.tasks.includes(task)) throw new UserError(ErrorCode.TaskDisabled, leaderText.taskOff(word));
    if (!tasks.includes(task)) tasks.push(task);
  }
  return { tasks };
}
