import type { Push, PushLine, PushMessage, PushRecheck } from "../../message/push.js";
import type { ReminderRecord } from "../../store/reminders.js";
import { MISSING_SCHOOLS } from "../../store/reminder-recheck.js";
import type { TaskPeriod } from "../../time/task-calendar.js";
import type { DeadlineAt } from "../../time/due.js";
import type { LeaderDeps } from "../leaders/leader-deps.js";
import { loadMissingSchools } from "../../tally/load-tally.js";
import { leaderText } from "../leaders/leader-text.js";
import type { TaskId } from "../../config/schema.js";
import type { School } from "../../config/roster.js";
import { formatCardId } from "../check-in/check-in-card.js";
import { reminderCard } from "../check-in/kind-card.js";
import { fitExampleDates } from "../check-in/fit-example.js";
import { toLocalDate } from "../../time/local-time.js";
import { reminderTargetsOf, type ReminderSchoolLine, type ReminderTarget } from "./reminder-targets.js";

/** How one group's reminder went: queued (and when it should go out), held back by the cooldown, or shown (dry run). */
export type GroupReminder = {
  group: string;
  groupName: string;
  /** Missing schools of the group it names (or would have). */
  schools: number;
  key: string;
} & ({ state: "queued"; eta: Date } | { state: "held"; last: ReminderRecord; againAt: Date } | { state: "shown" });

export interface RemindOutcome {
  period: TaskPeriod;
  /** The role whose people report the task (reporterRoleOf), as the reminders called them. */
  role: string | undefined;
  /** The period's missing schools. */
  missing: number;
  /** Of them, those that no schools group holds (nobody to remind them). */
  unreachable: number;
  groups: GroupReminder[];
  /** Set when the reminders were held to go out at this instant (RemindOptions.holdUntil). */
  heldUntil?: Date;
}

export interface RemindOptions {
  /** Send despite the cooldown (`pingan run remind --force`). */
  force?: boolean;
  /** Decide and show, send nothing, record nothing. */
  dryRun?: boolean;
  /** Queue them to go out at this instant, not before (a 提醒 outside the working hours). */
  holdUntil?: Date;
  show?: (push: Push) => void;
}

/** What a reminder of a task's period comes to before anything is sent: its plans, and whom it cannot reach. */
export interface ReminderPlans {
  /** The role whose people report the task (reporterRoleOf), as the reminders call them. */
  role: string | undefined;
  /** The period's missing schools. */
  missing: number;
  /** Of them, those that no schools group holds (nobody to remind them). */
  unreachable: number;
  plans: ReminderPlan[];
}

/**
 * The reminders of a task's period now (planReminders), read from the period's missing schools,
 * with whom they call and whom they cannot reach: all that sending them (jobs/send-reminders.ts)
 * asks of the feature before the cooldown and the queue.
 */
export async function loadReminderPlans(deps: LeaderDeps, request: ReminderRequest): Promise<ReminderPlans> {
  const missing = await loadMissingSchools(deps, request.period);
  const plans = await planReminders(deps, request, missing);
  const reached = new Set(plans.flatMap((plan) => plan.schools.map((school) => school.code)));
  const { role } = reminderTargetsOf(deps.config, deps.roster, request.task);
  return { role, missing: missing.length, unreachable: missing.length - reached.size, plans };
}

/** What a reminder did, for the leader who asked or the admin who ran it: one line per group, and who could not be reached. */
export function describeRemindOutcome(outcome: RemindOutcome, config: LeaderDeps["config"], now: Date): string[] {
  const { period, role } = outcome;
  const timeZone = config.timezone;
  if (outcome.missing === 0) return [leaderText.remindNone(period.taskName, period)];
  const lines = outcome.groups.flatMap((group) => {
    if (group.state === "queued" && outcome.heldUntil) {
      return [leaderText.remindQueuedUntil({ taskName: period.taskName, period, count: group.schools, group: group.groupName, role, at: outcome.heldUntil, now, timeZone })];
    }
    if (group.state === "queued") {
      const waitMs = group.eta.getTime() - now.getTime();
      return [leaderText.remindQueued({ taskName: period.taskName, period, count: group.schools, group: group.groupName, role, now, waitMs, timeZone })];
    }
    if (group.state === "held") {
      const { last, againAt } = group;
      const cooldownMinutes = config.limits.remind_cooldown_minutes;
      return [leaderText.remindHeld({ taskName: period.taskName, period, group: group.groupName, last, againAt, cooldownMinutes, timeZone })];
    }
    return [];
  });
  if (outcome.unreachable > 0) lines.push(leaderText.remindNoGroup(period.taskName, outcome.unreachable));
  return lines;
}

/** Which reminder to build: the task, its period, and the slot that names this sending. */
export interface ReminderRequest {
  task: TaskId;
  period: TaskPeriod;
  /** The reminder time as configured (`09:00`, `thu 16:00`), or `manual:<msgid>` for 提醒. */
  slot: string;
  /** When it is asked for. */
  now: Date;
  /** The deadline as of `now` (deadlineAt): the reminder's words say whether it has passed. */
  deadline: DeadlineAt;
}

/** One group's reminder, with the schools it names. */
export interface ReminderPlan {
  /** Group id, a key of `config.groups`. */
  group: string;
  groupName: string;
  /** The missing schools it names, in roster order. */
  schools: readonly ReminderSchoolLine[];
  push: Push;
}

/** What a reminder of a task's period asks the worker to re-check before it goes out (store/reminder-recheck.ts reads it). */
export function formatReminderRecheck(task: TaskId, periodId: string): PushRecheck {
  return { kind: MISSING_SCHOOLS, scope: `${task}:${periodId}` };
}

/** The idempotency key of one group's reminder: `remind:safety:2026-11-24:09:00:principals`. */
export function formatReminderKey(task: TaskId, periodId: string, slot: string, group: string): string {
  return `remind:${task}:${periodId}:${slot}:${group}`;
}

/**
 * The reminders of a task's period now: for every schools group (role `schools`) that holds
 * missing schools, one text message naming them by area and @-mentioning exactly their
 * reporters, re-checked at delivery (schools that report meanwhile drop out); to a group the
 * smart bot pushes to (`via: bot`), the reminder carries the kind's card when it has one. Exempt and
 * reported schools are not named; nothing is planned when none is missing or the period is not
 * required. Never to a leaders group, never `@all`. `missing`: the period's, when already read.
 */
export async function planReminders(deps: LeaderDeps, request: ReminderRequest, missing?: readonly School[]): Promise<ReminderPlan[]> {
  const { task, period, slot } = request;
  if (period.task !== task) throw new Error(`reminder for ${task} given a period of ${period.task}`);
  if (!period.required) return [];
  missing ??= await loadMissingSchools(deps, period);
  if (missing.length === 0) return [];
  const codes = new Set(missing.map((school) => school.code));
  const { kind, groups } = reminderTargetsOf(deps.config, deps.roster, task);
  const plans: ReminderPlan[] = [];
  for (const target of groups) {
    const schools = target.schools.filter((school) => codes.has(school.code));
    if (schools.length === 0) continue;
    // A kind whose date field takes days come only is shown its example dated the day it is sent.
    const command = target.datedExample ? target.command.map((line) => fitExampleDates(kind, line, toLocalDate(request.now, deps.config.timezone))) : target.command;
    const message = formatReminder({ period, target: { ...target, command }, schools, deadline: request.deadline });
    const idempotencyKey = formatReminderKey(task, period.id, slot, target.group);
    // Where the smart bot itself pushes, the reminder ends with the kind's card (one tap); a group
    // robot can send no buttons, so its groups keep the text alone.
    const card = target.viaBot ? reminderCard({ id: formatCardId(idempotencyKey), kind, period, timeZone: deps.config.timezone, now: request.now, botName: target.botName }) : undefined;
    plans.push({
      group: target.group,
      groupName: target.groupName,
      schools,
      push: { idempotencyKey, group: target.group, message, recheck: formatReminderRecheck(task, period.id), ...(card && { card }) },
    });
  }
  return plans;
}

/**
 * The reminder to one group: the task and period, the deadline, the missing schools by area
 * with one line per school that @-mentions exactly that school's reporters, and the command to
 * send. A text message, so that the mentions are real notifications; when it is split, every
 * part repeats the header and carries only the mentions of its own lines. Every line names the
 * schools it is about (`subjects`), so that at delivery the schools that reported meanwhile,
 * and areas left empty, drop out (Push.recheck); nothing in it counts them.
 */
export function formatReminder(args: {
  period: TaskPeriod;
  /** The group's lines (reminderTargetsOf). */
  target: Pick<ReminderTarget, "areaHeadings" | "command">;
  /** The group's missing schools, in roster order. */
  schools: readonly ReminderSchoolLine[];
  /** The deadline as of when it is written: after it, the reminder says so. */
  deadline: DeadlineAt;
}): PushMessage {
  const { period, target, schools } = args;
  const all = schools.map((school) => school.code);
  // By area, areas in the order their first missing school comes.
  const byArea = new Map<string, ReminderSchoolLine[]>();
  for (const school of schools) {
    const entries = byArea.get(school.area);
    if (entries) entries.push(school);
    else byArea.set(school.area, [school]);
  }
  const lines: PushLine[] = [{ text: leaderText.reminderIntro(args.deadline), subjects: all }];
  for (const [area, entries] of byArea) {
    lines.push({ text: target.areaHeadings.get(area)!, subjects: entries.map((school) => school.code) });
    for (const school of entries) lines.push({ text: school.text, mentions: school.mentions, subjects: [school.code] });
  }
  for (const text of target.command) lines.push({ text, subjects: all });
  // Said while a school of a reporter of several is still listed (it drops out with them at delivery).
  const several = schools.filter((school) => school.several !== undefined);
  if (several.length > 0) lines.push({ text: several[0]!.several!, subjects: several.map((school) => school.code) });
  return { msgtype: "text", header: leaderText.reminderHeader(period.taskName, period), lines };
}
