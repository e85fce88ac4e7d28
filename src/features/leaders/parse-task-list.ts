import type { Roster } from "../../config/roster.js";
import type { TaskCalendar } from "../../time/task-calendar.js";
import { CodedError, ErrorCode } from "../../errors.js";
import { blankSpan, parseTaskWord, readWord, readWords, type QuoteTyped } from "../../text/words.js";
import type { Config, TaskId } from "../../config/schema.js";
import { enabledKindWords, taskWordsOf } from "../../config/kinds.js";
import { leaderText } from "./leader-text.js";
import { findArea, readOwnNode, type NamedArea } from "./find-area.js";
import { namesADate } from "./read-date-span.js";
import { toLocalDate } from "../../time/local-time.js";

/**
 * The tasks named in `未报 平安` / `提醒 学习`; none when none is named (all tasks due now). With
 * `areas`, words that name a 片区 of the asker's part of the roster are read too (`未报 平安
 * 东部片区`, the pointer a shortened 汇总 gives; above a county its path, `平安县/城关片区`, or a
 * county, `未报 平安县`), by findArea; none when none is named. Words naming a node outside the
 * asker's are refused as not his (readOwnNode). A refusal quotes the word as typed (`quote`).
 */
export function parseTaskList(
  folded: string,
  ctx: { calendar: Pick<TaskCalendar, "tasks">; roster: Pick<Roster, "node" | "root">; config: Pick<Config, "tasks" | "timezone">; now: Date },
  { areas: withAreas = false, quote }: { areas?: boolean; quote: QuoteTyped },
): { tasks?: TaskId[]; areas?: NamedArea[] } {
  const words = readWords(folded);
  const tasks: TaskId[] = [];
  const areas: NamedArea[] = [];
  for (let i = 0; i < words.length; i += 1) {
    const { word, start } = words[i]!;
    const typed = () => quote(word, start);
    const task = parseTaskWord(taskWordsOf(ctx.config), word);
    const match = withAreas ? findArea(ctx.roster, words, i, { exactOnly: task !== undefined, quote }) : undefined;
    if (match) {
      if (!areas.some((area) => area.label === match.area.label)) areas.push(match.area);
      i += match.words - 1;
      continue;
    }
    // 未报 昨天, 历史 城关一小 上周: these commands take no date; a day or week is 汇总's.
    if (!task && namesADate(word, toLocalDate(ctx.now, ctx.config.timezone))) throw new CodedError(ErrorCode.Usage, leaderText.notByDate(typed()));
    if (!task) {
      // His own node named is all he sees; a node outside it is refused as not his, not as no task.
      const own = readOwnNode(ctx.roster, words, i, quote);
      if (own !== undefined) {
        i += own - 1;
        continue;
      }
      throw new CodedError(ErrorCode.Usage, leaderText.whichTask(typed(), enabledKindWords(ctx.config)));
    }
    if (!ctx.calendar.tasks.includes(task)) throw new CodedError(ErrorCode.TaskDisabled, leaderText.taskOff(typed()));
    if (!tasks.includes(task)) tasks.push(task);
  }
  return { ...(tasks.length > 0 && { tasks }), ...(areas.length > 0 && { areas }) };
}

/**
 * The tasks named among other words (`汇总 昨天 晨检`, `汇总 学习 本周`), and the text with their
 * words blanked (same length: a place in the rest is a place in `folded`), for the rest to be read
 * (a date); no tasks when none is named.
 */
export function takeTaskWords(
  folded: string,
  ctx: { calendar: Pick<TaskCalendar, "tasks">; config: Pick<Config, "tasks"> },
  quote: QuoteTyped,
): { tasks?: TaskId[]; rest: string } {
  const tasks: TaskId[] = [];
  let rest = folded;
  for (let word = readWord(folded, 0); word; word = readWord(folded, word.end)) {
    const task = parseTaskWord(taskWordsOf(ctx.config), word.word);
    if (!task) continue;
    if (!ctx.calendar.tasks.includes(task)) throw new CodedError(ErrorCode.TaskDisabled, leaderText.taskOff(quote(word.word, word.start)));
    if (!tasks.includes(task)) tasks.push(task);
    rest = blankSpan(rest, word.start, word.end);
  }
  return { ...(tasks.length > 0 && { tasks }), rest };
}
