import { botServing } from "../../config/list-bots.js";
import { kindOf } from "../../config/kinds.js";
import { resolveGroupSchools } from "../../config/resolve-group-schools.js";
import type { TaskId } from "../../config/schema.js";
import type { Push } from "../../message/push.js";
import type { School } from "../../config/roster.js";
import type { TaskPeriod } from "../../time/task-calendar.js";
import { formatCardId } from "../check-in/check-in-card.js";
import { reminderCard } from "../check-in/kind-card.js";
import { formatReminder } from "./format-reminder.js";
import { nodeOf, reporterRoleOf } from "../../config/scope.js";
import type { LeaderDeps } from "../leaders/leader-deps.js";
import { loadTally } from "../../tally/load-tally.js";
import type { ListOptions, TaskTally } from "../../tally/task-tally.js";
import { formatReminderRecheck } from "../../store/reminder-recheck.js";

/** A reminder @-mentions every missing school's reporters, however many. */
export const EVERY_MISSING: ListOptions = { perArea: Number.POSITIVE_INFINITY, onBehalf: 0, abnormal: 0, remarked: 0 };

/** Which reminder to build: the task, its period, and the slot that names this sending. */
export interface ReminderRequest {
  task: TaskId;
  period: TaskPeriod;
  /** The reminder time as configured (`09:00`, `thu 16:00`), or `manual:<msgid>` for 提醒. */
  slot: string;
  /** When it is asked for (the reminder's words depend on whether the deadline has passed). */
  now: Date;
}

/** One group's reminder, with the schools it names. */
export interface ReminderPlan {
  /** Group id, a key of `config.groups`. */
  group: string;
  groupName: string;
  schools: School[];
  push: Push;
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
 * required. Never to a leaders group, never `@all`. `tally`: the period's, when already read.
 */
export async function planReminders(deps: LeaderDeps, request: ReminderRequest, tally?: TaskTally): Promise<ReminderPlan[]> {
  const { task, period, slot } = request;
  if (period.task !== task) throw new Error(`reminder for ${task} given a period of ${period.task}`);
  if (!period.required) return [];
  tally ??= await loadTally(deps, [period], undefined, EVERY_MISSING);
  const missing = new Set(tally.missingByArea.flatMap((group) => group.entries.map((e) => e.school.code)));
  if (missing.size === 0) return [];
  const plans: ReminderPlan[] = [];
  for (const [id, group] of Object.entries(deps.config.groups)) {
    if (group.role !== "schools") continue;
    const schools = resolveGroupSchools(group, deps.roster).schools.filter((school) => missing.has(school.code));
    if (schools.length === 0) continue;
    const kind = kindOf(deps.config, task)!;
    const botName = botServing(deps.config, id).name;
    const message = formatReminder({ period, kind, role: reporterRoleOf(deps.config, task), schools, botName, node: nodeOf(deps.roster, group), timeZone: deps.config.timezone, now: request.now });
    const idempotencyKey = formatReminderKey(task, period.id, slot, id);
    // Where the smart bot itself pushes, the reminder ends with the kind's card (one tap); a group
    // robot can send no buttons, so its groups keep the text alone.
    const card = group.via === "bot" ? reminderCard({ id: formatCardId(idempotencyKey), kind, period, timeZone: deps.config.timezone, now: request.now, botName }) : undefined;
    plans.push({
      group: id,
      groupName: group.name,
      schools,
      push: { idempotencyKey, group: id, message, recheck: formatReminderRecheck(task, period.id), ...(card && { card }) },
    });
  }
  return plans;
}
