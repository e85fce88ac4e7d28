import { describeRemindOutcome, sendReminders } from "../src/features/reminders/send-reminders.js";
import { buildTally } from "../src/features/tallies/build-tally.js";
import { buildWeekChart } from "../src/features/tallies/build-week-chart.js";
import { loadCountedPeriods } from "../src/features/leaders/load-tally.js";
import { NAME_NONE, tallyFromCounts } from "../src/features/leaders/tally-from-counts.js";
import { getIsoWeek, getWeekStart } from "../src/time/local-time.js";
import type { Push } from "../src/push/push.js";
import { decideSlotsAt } from "../src/time/due.js";
import type { TaskPeriod } from "../src/time/task-calendar.js";
import type { JobDeps, JobOutcome, JobRunOptions } from "./job-deps.js";

/**
 * A slot tick: at instant `at`, every reminder and tally that decideSlotsAt finds due acts:
 * reminders to the groups of the missing schools, the tally to its group. Pushes carry
 * idempotency keys per task, period and slot, so a repeated tick sends nothing new.
 */
export async function runSlots(deps: JobDeps, at: Date, options: JobRunOptions = {}): Promise<JobOutcome[]> {
  const outcomes: JobOutcome[] = [];
  for (const { period, slot, skipped } of decideSlotsAt(deps.calendar, deps.config, at)) {
    const job = `${slot.kind}:${period.task}:${period.id}:${slot.spec}`;
    if (skipped) outcomes.push({ job, pushed: [], skipped });
    else outcomes.push({ job, ...(await actOnSlot(deps, { kind: slot.kind, period, slot: slot.spec, at }, options)) });
  }
  return outcomes;
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
    const outcome = await sendReminders(deps, { task: period.task, period, slot, now: at }, options);
    const sent = outcome.groups.filter((group) => group.state !== "held");
    const held = outcome.groups.length - sent.length;
    return {
      pushed: sent.map((group) => group.key),
      ...(sent.length === 0 && { skipped: held > 0 ? "cooldown" : "none_missing" }),
      notes: describeRemindOutcome(outcome, deps.config, at),
    };
  }
  const pushes = [await buildTallyWithChart(deps, period, at)].filter((p): p is Push => p !== undefined);
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
async function buildTallyWithChart(deps: JobDeps, period: TaskPeriod, at: Date): Promise<Push | undefined> {
  if (period.kind !== "day" || !deps.chart || !period.required) return buildTally(deps, { task: period.task, period, now: at });
  const week = await loadCountedPeriods(deps, deps.calendar.list(period.task, getWeekStart(getIsoWeek(period.start)), period.start));
  const loaded = week.find((input) => input.period.id === period.id);
  const push = await buildTally(deps, { task: period.task, period, now: at, ...(loaded && { loaded }) });
  const chart = buildWeekChart(deps.roster, week, (schools, periods) => tallyFromCounts({ roster: { schools }, periods, list: NAME_NONE }));
  const image = push && chart ? await deps.chart.draw(chart) : undefined;
  return push && image ? { ...push, image } : push;
}
