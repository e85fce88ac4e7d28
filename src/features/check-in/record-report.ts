import type { CommandContext } from "../../bot/command.js";
import type { TaskId } from "../../config/schema.js";
import type { School } from "../../config/roster.js";
import { CodedError, ErrorCode } from "../../errors.js";
import type { Report, ReportValue } from "../../store/report.js";
import type { RecordResult } from "../../store/reports.js";
import type { TaskPeriod } from "../../time/task-calendar.js";
import { addDays, toLocalDate } from "../../time/local-time.js";
import { readReportDate } from "./read-report.js";
import { reportText } from "./report-text.js";

/** The period a report made now falls in; refuses tasks that are off or out of season. */
export function currentPeriod(ctx: Pick<CommandContext, "calendar" | "config" | "now">, task: TaskId): TaskPeriod {
  const period = ctx.calendar.at(task, ctx.now);
  const name = ctx.config.tasks[task]?.name ?? task;
  if (!period) throw new CodedError(ErrorCode.TaskDisabled, reportText.taskDisabled(name));
  if (period.reason === "not_in_season") throw new CodedError(ErrorCode.NotInSeason, reportText.notInSeason(name));
  return period;
}

/**
 * The period a report's words name by a date (平安 昨天, 代报 龙潭学校 平安 6-15), and the words
 * without the date. None when they name none or a date of the current period; an earlier one is
 * a 补报, taken back to `limits.backfill_days` before today (its period's end); a date to come,
 * one further back or one that asked nothing is refused, never moved to today.
 */
export function readReportPeriod(
  ctx: Pick<CommandContext, "calendar" | "config" | "now">,
  task: TaskId,
  words: string,
): { period?: TaskPeriod; words: string } {
  const today = toLocalDate(ctx.now, ctx.config.timezone);
  const { span, typed = "", words: rest } = readReportDate(words, today);
  const current = currentPeriod(ctx, task);
  // A week word names a weekly period; for a daily one (本周平安) it names no day.
  const date = span && (span.kind !== "week" || current.kind === "week") ? span.start : undefined;
  if (!date || (date >= current.start && date <= current.end)) return { words: rest };
  const days = ctx.config.limits.backfill_days;
  if (date > today) throw new CodedError(ErrorCode.Usage, reportText.dateAhead(typed, days));
  const period = ctx.calendar.list(task, date, date)[0];
  const earliest = addDays(today, -days);
  if (!period || period.end < earliest) throw new CodedError(ErrorCode.Usage, reportText.dateTooOld(typed, days, earliest, current.taskName));
  if (!period.required) throw new CodedError(ErrorCode.Usage, reportText.notDueOn(period));
  return { period, words: rest };
}

/** The report a message makes for a school, in the current period. */
export function makeReport(ctx: CommandContext<"calendar">, school: School, period: TaskPeriod, value: ReportValue): Report {
  return {
    school: school.code,
    task: value.task,
    period: period.id,
    value,
    by: ctx.sender.userid,
    at: ctx.now.toISOString(),
    late: ctx.calendar.isLate(period, ctx.now),
    msgid: ctx.msgid,
    raw: ctx.raw,
    ...(ctx.onBehalf && { onBehalf: true }),
  };
}

/** How often a record is tried again when another message for the same school came first. */
const RECORD_ATTEMPTS = 3;

/** One try at recording a message: the reply it gets if recorded, and what the store made of it. */
export interface RecordTry<O extends string> {
  reply: string;
  recorded: RecordResult<O | "conflict">;
}

/**
 * Records one message against the school's report in force, the one retry of every record:
 * `attempt` writes the reply and what the message owes against the report it is given
 * (undefined: none) and records expecting that one. When another message for the school came
 * first the store answers 'conflict' with the report in force now, and `attempt` runs again
 * against it, unless `stop` says that report settles it (a tap records only a first report).
 * A repeated msgid gets the reply the store kept for it.
 */
export async function recordAgainstLatest<O extends string>(
  msgid: string,
  first: Report | undefined,
  attempt: (previous: Report | undefined) => Promise<RecordTry<O>>,
  stop: (inForce: Report | undefined) => boolean = () => false,
): Promise<RecordTry<O>> {
  let previous = first;
  for (let tries = 0; tries < RECORD_ATTEMPTS; tries += 1) {
    const tried = await attempt(previous);
    const { recorded } = tried;
    if (recorded.outcome === "duplicate") return { ...tried, reply: recorded.reply ?? tried.reply };
    if (recorded.outcome !== "conflict" || stop(recorded.previous)) return tried;
    previous = recorded.previous;
  }
  throw new Error(`the school's report kept changing while recording ${msgid}`);
}
