import type { Pusher } from "../../bot/command.js";
import type { Push } from "../../message/push.js";
import type { ReminderCooldowns, ReminderRecord } from "../../store/reminder-cooldowns.js";
import type { TaskPeriod } from "../../time/task-calendar.js";
import type { LeaderDeps } from "../leaders/leader-deps.js";
import { loadTally } from "../../tally/load-tally.js";
import { leaderText } from "../leaders/leader-text.js";
import { reporterRoleOf } from "../../config/scope.js";
import { EVERY_MISSING, planReminders, type ReminderRequest } from "./build-reminders.js";

/** What sending reminders needs: the tally's sources, the push pipeline and the cooldown records. */
export interface ReminderDeps extends LeaderDeps {
  push: Pusher;
  cooldowns: ReminderCooldowns;
}

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

/**
 * The one way a reminder is sent, by 提醒, by `pingan run remind` and by the scheduler: for each
 * schools group that holds missing schools, unless the group got a reminder of the same task and
 * period within the cooldown (`limits.remind_cooldown_minutes`; `force` overrides it), records
 * it as the group's last and queues it; then estimates when it goes out, given what is queued
 * before it in the group's rate window. The push is re-checked at delivery, so schools that
 * report meanwhile are not named. `request.now` is when it was asked for.
 */
export async function sendReminders(
  deps: ReminderDeps,
  request: ReminderRequest,
  options: RemindOptions = {},
): Promise<RemindOutcome> {
  const { task, period } = request;
  const tally = await loadTally(deps, [period], undefined, EVERY_MISSING);
  const plans = await planReminders(deps, request, tally);
  const cooldownMs = deps.config.limits.remind_cooldown_minutes * 60_000;
  const now = request.now.getTime();
  const holdMs = options.holdUntil ? Math.max(options.holdUntil.getTime() - now, 0) : 0;
  const groups: GroupReminder[] = [];
  for (const plan of plans) {
    const key = plan.push.idempotencyKey;
    const base = { group: plan.group, groupName: plan.groupName, schools: plan.schools.length, key };
    const held = (last: ReminderRecord): GroupReminder => ({ ...base, state: "held", last, againAt: new Date(last.at + cooldownMs) });
    if (options.dryRun) {
      const last = cooldownMs > 0 && !options.force ? await deps.cooldowns.last(task, period.id, plan.group, now, cooldownMs) : undefined;
      if (last && last.key !== key) {
        groups.push(held(last));
      } else {
        options.show?.(plan.push);
        groups.push({ ...base, state: "shown" });
      }
      continue;
    }
    if (cooldownMs > 0) {
      const claim = await deps.cooldowns.claim(task, period.id, plan.group, { at: now, schools: base.schools, key }, cooldownMs, options.force);
      if (!claim.claimed) {
        groups.push(held(claim.last));
        continue;
      }
    }
    try {
      await deps.push.enqueue(plan.push, holdMs > 0 ? { delayMs: holdMs } : {});
    } catch (error) {
      // Not queued: the next 提醒 must not be refused for a reminder nobody got.
      if (cooldownMs > 0) await deps.cooldowns.release(task, period.id, plan.group, key).catch(() => {});
      throw error;
    }
    const eta = holdMs > 0 ? now + holdMs : now + (await deps.push.estimate(plan.group));
    if (cooldownMs > 0) await deps.cooldowns.setEta(task, period.id, plan.group, key, eta);
    groups.push({ ...base, state: "queued", eta: new Date(eta) });
  }
  const reached = new Set(plans.flatMap((plan) => plan.schools.map((school) => school.code)));
  return { period, missing: tally.missing, unreachable: tally.missing - reached.size, groups, ...(holdMs > 0 && { heldUntil: new Date(now + holdMs) }) };
}

/** What a reminder did, for the leader who asked or the admin who ran it: one line per group, and who could not be reached. */
export function describeRemindOutcome(outcome: RemindOutcome, config: LeaderDeps["config"], now: Date): string[] {
  const { period } = outcome;
  const timeZone = config.timezone;
  if (outcome.missing === 0) return [leaderText.remindNone(period.taskName, period)];
  const lines = outcome.groups.flatMap((group) => {
    if (group.state === "queued" && outcome.heldUntil) {
      return [leaderText.remindQueuedUntil({ taskName: period.taskName, period, count: group.schools, group: group.groupName, role: reporterRoleOf(config, period.task), at: outcome.heldUntil, now, timeZone })];
    }
    if (group.state === "queued") {
      const waitMs = group.eta.getTime() - now.getTime();
      return [leaderText.remindQueued({ taskName: period.taskName, period, count: group.schools, group: group.groupName, role: reporterRoleOf(config, period.task), now, waitMs, timeZone })];
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
