import type { CommandContext } from "../../bot/command.js";
import type { School } from "../../config/roster.js";
import type { TaskId } from "../../config/schema.js";
import type { Report, ReportValue } from "../../store/report.js";
import type { TaskPeriod } from "../../time/task-calendar.js";
import { buildAbnormalAlerts } from "./abnormal-alerts.js";
import { currentPeriod, makeReport, recordAgainstLatest } from "./record-report.js";
import { reportText, type ReplyVoice } from "./report-text.js";

/** What a check-in needs beside the message: the config, the reports and the calendar. */
export type CheckInContext = CommandContext<"config" | "store" | "records" | "calendar">;

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
 * message named by its date, records a 补报 there instead of in the current one.
 */
export async function checkIn(
  ctx: CheckInContext,
  school: School,
  value: ReportValue,
  notes: readonly string[] = [],
  { period }: { period?: TaskPeriod } = {},
): Promise<string> {
  const done = await record(ctx, school, value, notes, { ...(period && { period }), firstOnly: false });
  if (done.outcome !== "recorded") throw new Error(`a check-in of ${school.code} found a report in force`);
  return done.reply;
}

/**
 * The period's first report of the school (a tap on the card): when the school has one
 * already, nothing is recorded and the outcome says whose it is, so that two reporters tapping
 * at once record once.
 */
export function checkInFirst(ctx: CheckInContext, school: School, value: ReportValue, notes: readonly string[]): Promise<CheckInOutcome> {
  return record(ctx, school, value, notes, { firstOnly: true });
}

async function record(
  ctx: CheckInContext,
  school: School,
  value: ReportValue,
  notes: readonly string[],
  { firstOnly, period: named }: { firstOnly: boolean; period?: TaskPeriod },
): Promise<CheckInOutcome> {
  // An earlier period named by a date (readReportPeriod) takes the report as a 补报.
  const period = named ?? currentPeriod(ctx, value.task);
  const report = makeReport(ctx, school, period, value);
  const timeZone = ctx.config.timezone;
  const recorded = async (): Promise<CheckInOutcome> => {
    const before = await repliedInPeriodBefore(ctx, report.task, period);
    if (before !== undefined) return { outcome: "recorded", reply: before };
    const tried = await recordAgainstLatest(
      ctx.msgid,
      undefined,
      async (previous) => {
        const reply = [
          reportText.recorded({ school, period, report, ...(previous && { previous }), timeZone }),
          ...(named ? [reportText.backfilled(period)] : []),
          ...notes,
        ].join("\n");
        const pushes = buildAbnormalAlerts({ config: ctx.config, school, report, ...(previous && { previous }) });
        return { reply, recorded: await ctx.records.put(report, { expected: previous ?? null, reply, pushes }) };
      },
      (inForce) => firstOnly && inForce !== undefined,
    );
    const { previous } = tried.recorded;
    if (tried.recorded.outcome === "conflict" && previous) return { outcome: "already", previous };
    return { outcome: "recorded", reply: tried.reply };
  };
  const [done, owed] = await Promise.all([recorded(), owedPeriods(ctx, school, report.task)]);
  if (done.outcome !== "recorded") return done;
  return { outcome: "recorded", reply: [done.reply, reportText.owed(owed, timeZone, ctx.now, report.onBehalf ? "该校" : "本校")].join("\n") };
}

/** How replies about a school speak to the sender: its own reporter, or a leader entering for it (代报). */
export function replyVoice(ctx: Pick<CommandContext, "onBehalf">, school: School): ReplyVoice {
  return reportText.voice(ctx.onBehalf ? school : undefined);
}

/** How long after a message WeCom may still send it again (its retries take seconds). */
const REPEAT_WINDOW_MS = 10 * 60_000;

/**
 * The reply a repeat of this message got in the task's period before, when that period ended
 * within the repeat window: the record script knows a msgid within its own period only, and a
 * message sent at 23:59:59 may come again after midnight.
 */
async function repliedInPeriodBefore(ctx: CheckInContext, task: TaskId, period: TaskPeriod): Promise<string | undefined> {
  const before = ctx.calendar.at(task, new Date(ctx.now.getTime() - REPEAT_WINDOW_MS));
  if (!before || before.id === period.id) return undefined;
  return ctx.store.keptReply(task, before.id, ctx.msgid);
}

/** The school's other required periods that have no report yet. */
async function owedPeriods(ctx: CheckInContext, school: School, except: TaskId) {
  const periods = ctx.calendar.tasks
    .filter((task) => task !== except)
    .map((task) => ctx.calendar.at(task, ctx.now))
    .filter((period): period is TaskPeriod => period?.required === true);
  // Asked together, the look-ups share one round trip to Redis.
  const reports = await Promise.all(periods.map((period) => ctx.store.get(period.task, period.id, school.code)));
  return periods.filter((_, i) => !reports[i]).map((period) => ({ period }));
}
