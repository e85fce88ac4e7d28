import type { Roster } from "../../config/roster.js";
import type { TaskCalendar } from "../../time/task-calendar.js";
import { CodedError, ErrorCode } from "../../errors.js";
import { parseTaskWord, splitWords } from "../../bot/words.js";
import type { Config, TaskId } from "../../config/schema.js";
import { taskWordsOf } from "../../config/kinds.js";
import { leaderText } from "./leader-text.js";

/**
 * The tasks named in `未报 平安` / `提醒 学习`; none when none is named (all tasks due now). With
 * `areas`, words that name an area (片区) of the roster are read too (`未报 平安 东部片区`, the
 * pointer a shortened 汇总 gives), by their name or the start of it (`东部`) when only one area
 * starts so; none when none is named.
 */
export function parseTaskList(
  folded: string,
  ctx: { calendar: Pick<TaskCalendar, "tasks">; roster: Pick<Roster, "schools">; config: Pick<Config, "tasks"> },
  { areas: withAreas = false }: { areas?: boolean } = {},
): { tasks?: TaskId[]; areas?: string[] } {
  const words = splitWords(folded);
  const known = new Map(ctx.roster.schools.map((school) => [school.area.normalize("NFKC"), school.area]));
  const tasks: TaskId[] = [];
  const areas: string[] = [];
  for (const word of words) {
    const task = parseTaskWord(taskWordsOf(ctx.config), word);
    const area = withAreas ? (known.get(word) ?? (task ? undefined : findArea(known, word))) : undefined;
    if (area !== undefined) {
      if (!areas.includes(area)) areas.push(area);
      continue;
    }
    if (!task) throw new CodedError(ErrorCode.Usage, leaderText.whichTask(word));
    if (!ctx.calendar.tasks.includes(task)) throw new CodedError(ErrorCode.TaskDisabled, leaderText.taskOff(word));
    if (!tasks.includes(task)) tasks.push(task);
  }
  return { ...(tasks.length > 0 && { tasks }), ...(areas.length > 0 && { areas }) };
}

/** The one area whose name starts with `word` (东部 → 东部片区); several are asked about, none is undefined. */
function findArea(known: ReadonlyMap<string, string>, word: string): string | undefined {
  const matches = [...known].filter(([name]) => name.startsWith(word)).map(([, area]) => area);
  if (matches.length > 1) throw new CodedError(ErrorCode.Usage, leaderText.whichArea(word, matches));
  return matches[0];
}
