import { sendReminders } from "./send-reminders.js";
import { buildTally, formatTallyKey } from "../src/features/tallies/build-tally.js";
import { weekChartFromCounts } from "../src/features/tallies/build-week-chart.js";
import { loadSummaryPeriods, summaryListing, summaryUnits } from "../src/tally/load-tally.js";
import { getIsoWeek, getWeekStart } from "../src/time/local-time.js";
import type { Push } from "../src/message/push.js";
import { deadlineAt, decideSlotsAt, type SlotDecision } from "../src/time/due.js";
import { PUSHES_OF, type ScheduleKind } from "../src/schedule/derive-schedules.js";
import { runLateNote } from "./late-note.js";
import { runWeeklyRollup } from "./weekly-rollup.js";
import type { TaskPeriod } from "../src/time/task-calendar.js";
import type { JobDeps, JobOutcome, JobRunOptions } from "./job-deps.js";
import { groupsByScope, tallyGroupsOf } from "../src/config/scope.js";
import { CHARTS_AT_ONCE, mapBounded } from "./map-bounded.js";

/** What the job of this kind acts on at `at`: its own kinds of push among those decideSlotsAt finds due. */
export function decideJobAt(deps: Pick<JobDeps, "calendar" | "config">, kind: ScheduleKind, at: Date): SlotDecision[] {
  return decideSlotsAt(deps.calendar, deps.config, at).filter((decision) => PUSHES_OF[kind].includes(decision.kind));
}

/**
 * A scheduler's tick: at instant `at`, every push of the job's kind (PUSHES_OF) that
 * decideSlotsAt finds due acts: reminders to the groups of the missing schools, a tally to each
 * of its groups, the weekly roll-up, the 补报 note. Pushes carry idempotency keys per task, period and
 * slot (per week, per day), so a repeated tick sends nothing new.
 */
export async function runSlots(deps: JobDeps, at: Date, kind: ScheduleKind = "slots", options: JobRunOptions = {}): Promise<JobOutcome[]> {
  const outcomes: JobOutcome[] = [];
  for (const decision of decideJobAt(deps, kind, at)) {
    if (decision.skipped) outcomes.push({ job: jobName(decision), pushed: [], skipped: decision.skipped });
    else if (decision.kind === "weekly") outcomes.push(await runWeeklyRollup(deps, at, options));
    else if (decision.kind === "late-note") outcomes.push(await runLateNote(deps, at, options));
    else outcomes.push({ job: jobName(decision), ...(await actOnSlot(deps, { kind: decision.kind, period: decision.period, slot: decision.slot.spec, at }, options)) });
  }
  return outcomes;
}

/** The job of the `kind` of scheduler that acts on slots (jobs/index.ts lists it): runSlots for that kind. */
export function runSlotsOf(kind: ScheduleKind): (deps: JobDeps, at: Date, options?: JobRunOptions) => Promise<JobOutcome[]> {
  return (deps, at, options) => runSlots(deps, at, kind, options);
}

/** The name a job's outcome goes by (as runWeeklyRollup and runLateNote name theirs). */
function jobName(decision: SlotDecision): string {
  if (decision.kind === "weekly") return `weekly:${decision.week}`;
  if (decision.kind === "late-note") return `late-note:${decision.date}`;
  return `${decision.kind}:${decision.task}:${decision.period.id}:${decision.slot.spec}`;
}

/**
 * What a reminder or tally slot does, whether the scheduler fired it or an admin ran it
 * (`pingan run`): a reminder goes through sendReminders (its cooldown included, unless
 * `options.force`); a tally is built and queued, and its posting recorded so that later
 * reports go into the 补报 note. A daily task's tally carries the week so far as a chart.
 */
export async function actOnSlot(
  deps: JobDeps,
  { kind, period, slot, at }: { kind: "reminder" | "tally"; period: TaskPeriod; slot: string; at: Date },
  options: JobRunOptions = {},
): Promise<Omit<JobOutcome, "job">> {
  if (kind === "reminder") {
    const outcome = await sendReminders(deps, { task: period.task, period, slot, now: at, deadline: deadlineAt(deps.calendar, period, at) }, options);
    const sent = outcome.groups.filter((group) => group.state !== "held");
    const held = outcome.groups.length - sent.length;
    return {
      pushed: sent.map((group) => group.key),
      ...(sent.length === 0 && { skipped: held > 0 ? "cooldown" : "none_missing" }),
      notes: outcome.notes,
    };
  }
  // Each group's tally speaks of its group's node only, built once per node.
  const tallyGroups = tallyGroupsOf(deps.config, period.task);
  const scopes = groupsByScope(deps.roster, deps.config, tallyGroups);
  const built = await mapBounded(scopes, CHARTS_AT_ONCE, ({ roster, groups }) => buildTallyWithChart({ ...deps, roster }, period, groups[0]!, at));
  const pushes = scopes.flatMap(({ groups }, i) => {
    const push = built[i];
    return push ? groups.map((group): Push => ({ ...push, group, idempotencyKey: formatTallyKey(period.task, period.id, group, tallyGroups[0]!) })) : [];
  });
  if (options.dryRun) {
    pushes.forEach((push) => options.show?.(push));
  } else {
    for (const push of pushes) await deps.push.enqueue(push);
    // The first tally's time counts.
    await deps.jobs.markTallyPosted(period.task, period.id, at);
  }
  return { pushed: pushes.map((p) => p.idempotencyKey), ...(pushes.length === 0 && { skipped: "none_missing" }) };
}

/** The tally, and for a daily task the chart of its week up to this day, from one read of the week's counts. */
async function buildTallyWithChart(deps: JobDeps, period: TaskPeriod, group: string, at: Date): Promise<Push | undefined> {
  if (period.kind !== "day" || !deps.chart || !period.required) return buildTally(deps, { task: period.task, period, group, now: at });
  const week = await loadSummaryPeriods(deps, deps.calendar.list(period.task, getWeekStart(getIsoWeek(period.start)), period.start));
  const loaded = week.find((input) => input.period.id === period.id);
  const push = await buildTally(deps, { task: period.task, period, group, now: at, ...(loaded && { loaded }) });
  const chart = weekChartFromCounts(deps.roster, week, summaryUnits(deps.roster, summaryListing(deps.roster)));
  const image = push && chart ? await deps.chart.draw(chart) : undefined;
  return push && image ? { ...push, image } : push;
}
