import type { CommandContext } from "../../bot/command.js";
import { isAssigned, type School } from "../../config/roster.js";
import type { TaskId } from "../../config/schema.js";
import { CodedError, ErrorCode } from "../../errors.js";
import type { Report, ReportValue } from "../../store/report.js";
import type { PutResult, RecordResult } from "../../store/reports.js";
import type { TaskMoment, TaskPeriod } from "../../time/task-calendar.js";
import { buildAbnormalAlerts } from "./abnormal-alerts.js";
import { reportText, type ReplyVoice } from "./report-text.js";
import { leaderText } from "../leaders/leader-text.js";
import type { ReportKind } from "../../config/kinds.js";

/** What a check-in needs beside the message: the config, the reports, the calendar and its look at the message's instant. */
export type CheckInContext = CommandContext<"config" | "roster" | "store" | "records" | "calendar" | "moments">;

/** How a check-in went: recorded with its reply, or, for a tap (first only), found already reported. */
export type CheckInOutcome = { outcome: "recorded"; reply: string } | { outcome: "already"; previous: Report };

/**
 * A school's check-in, top to bottom: write the reply and the alerts the report owes the
 * leaders, and record all of it in one step (store.put), so that the report is never recorded
 * without its alerts. The first try assumes the school has no report yet (the usual case), so a
 * check-in is one script call; when it has one, the script answers with it and the reply and
 * alerts are written again against it. A repeat of this message gets the reply it got the
 * first time. `notes` (a figure far from the roster's) are part of the reply; what else the
 * school still owes today is read meanwhile and added after. `period`, an earlier period the
 * message named by its date, records a 补报 there instead of in the current one. What the
 * calendar says of the message's instant (its period, lateness, what else is due) is the
 * dispatcher's look (ctx.moments), taken with `now`.
 */
export async function checkIn(
  ctx: CheckInContext,
  school: School,
  value: ReportValue,
  kind: ReportKind,
  { notes = [], period }: { notes?: readonly string[]; period?: TaskPeriod } = {},
): Promise<string> {
  const done = await record(ctx, school, value, notes, { ...(period && { period }), kind, firstOnly: false });
  if (done.outcome !== "recorded") throw new Error(`a check-in of ${school.code} found a report in force`);
  return done.reply;
}

/**
 * The period's first report of the school (a tap on the card): when the school has one
 * already, nothing is recorded and the outcome says whose it is, so that two reporters tapping
 * at once record once.
 */
export function checkInFirst(ctx: CheckInContext, school: School, value: ReportValue, kind: ReportKind, notes: readonly string[]): Promise<CheckInOutcome> {
  return record(ctx, school, value, notes, { kind, firstOnly: true });
}

async function record(
  ctx: CheckInContext,
  school: School,
  value: ReportValue,
  notes: readonly string[],
  { firstOnly, period: named, kind }: { firstOnly: boolean; period?: TaskPeriod; kind: ReportKind },
): Promise<CheckInOutcome> {
  const moment = ctx.moments[kind.id]!;
  // An earlier period named by a date (readReportPeriod) takes the report as a 补报.
  const period = named ?? inForce(ctx, kind.id, moment.period);
  if (!isAssigned(period, school)) throw new CodedError(ErrorCode.Usage, reportText.notAssigned(school.name, period.taskName));
  const report = makeReport(ctx, school, period, value, named ? ctx.calendar.isLate(named, ctx.now) : moment.late);
  // What else is due of the kinds this school reports, each deadline as the calendar read it at the message.
  const others = moment.othersDue.filter((due) => isAssigned(due.period, school));
  const subject = report.onBehalf ? "该校" : "本校";
  const owed = (settled: readonly boolean[]) => reportText.owed(others.filter((_, i) => !settled[i]), subject);
  const before = await repliedInPeriodBefore(ctx, report.task, period, moment);
  if (before !== undefined) {
    const found = await Promise.all(others.map(({ period: due }) => ctx.store.reportedOrExempt(due.task, due.id, [school])));
    return { outcome: "recorded", reply: [before, owed(found.flat())].join("\n") };
  }
  // The first try also reads what else the school owes and whether it is exempt (免报) here, in
  // the same round trip as the record, and is made against the school's report as the store last
  // saw it: a correction is one try.
  let settled: readonly boolean[] | undefined;
  let exempt: PutResult["exempt"];
  const tried = await recordAgainstLatest(
    ctx.msgid,
    firstOnly ? undefined : (ctx.records.recalled(report.task, period.id, school.code) ?? undefined),
    async (previous) => {
      const reply = [
        reportText.recorded({ schoolName: ctx.roster.shownName(school), period, report, ...(previous && { previous }), timeZone: ctx.config.timezone, fields: kind.fields }),
        ...(named ? [reportText.backfilled(period)] : []),
        ...notes,
      ].join("\n");
      const pushes = buildAbnormalAlerts({ config: ctx.config, roster: ctx.roster, school, report, ...(previous && { previous }), kind });
      const ask = settled ? [] : others.map(({ period: due }) => ({ task: due.task, period: due.id }));
      const recorded = await ctx.records.put(report, { expected: previous ?? null, reply, pushes }, ask);
      settled ??= recorded.settled;
      ({ exempt } = recorded);
      return { reply, recorded };
    },
    (now) => firstOnly && now !== undefined,
  );
  const { previous } = tried.recorded;
  if (tried.recorded.outcome === "conflict" && previous) return { outcome: "already", previous };
  return { outcome: "recorded", reply: [tried.reply, ...(exempt ? [reportText.keptWhileExempt(exempt, subject)] : []), owed(settled ?? [])].join("\n") };
}

/** How replies about a school speak to the sender: its own reporter, or a leader entering for it (代报). */
export function replyVoice(ctx: Pick<CommandContext, "onBehalf">, school: School): ReplyVoice {
  return reportText.voice(ctx.onBehalf ? school : undefined);
}

/**
 * The reply a repeat of this message got in the task's period before, when that period ended
 * within the repeat window: the record script knows a msgid within its own period only, and a
 * message sent at 23:59:59 may come again after midnight.
 */
async function repliedInPeriodBefore(ctx: CheckInContext, task: TaskId, period: TaskPeriod, { earlier: before }: TaskMoment): Promise<string | undefined> {
  if (!before || before.id === period.id) return undefined;
  return ctx.store.keptReply(task, before.id, ctx.msgid);
}

/** The period a report made now falls in; refuses tasks that are off or out of season. */
export function currentPeriod(ctx: Pick<CommandContext, "calendar" | "config" | "now">, task: TaskId): TaskPeriod {
  return inForce(ctx, task, ctx.calendar.at(task, ctx.now));
}

/** The task's period in force, `period`, unless the task is off or out of season: those are refused. */
export function inForce(ctx: Pick<CommandContext, "config">, task: TaskId, period: TaskPeriod | undefined): TaskPeriod {
  const name = ctx.config.tasks[task]?.name ?? task;
  if (!period) throw new CodedError(ErrorCode.TaskDisabled, leaderText.taskOff(name));
  if (period.reason === "not_in_season") throw new CodedError(ErrorCode.NotInSeason, reportText.notInSeason(name));
  return period;
}

/** The report a message makes for a school in `period`, `late` as the calendar said. */
function makeReport(ctx: CheckInContext, school: School, period: TaskPeriod, value: ReportValue, late: boolean): Report {
  return {
    school: school.code,
    task: period.task,
    period: period.id,
    value,
    by: ctx.sender.userid,
    at: ctx.now.toISOString(),
    late,
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
