import type { Pusher } from "../src/bot/command.js";
import type { LeaderDeps } from "../src/features/leaders/leader-deps.js";
import {
  describeRemindOutcome,
  loadReminderPlans,
  type GroupReminder,
  type RemindOptions,
  type RemindOutcome,
  type ReminderRequest,
} from "../src/features/reminders/plan-reminders.js";
import type { ReminderCooldowns, ReminderRecord } from "../src/store/reminders.js";

/** What sending reminders needs: the tally's sources, the push pipeline and the cooldown records. */
export interface ReminderDeps extends LeaderDeps {
  push: Pusher;
  cooldowns: ReminderCooldowns;
}

/**
 * The one way a reminder is sent, by the scheduler, by `pingan run remind` and by 提醒: for each
 * schools group that holds missing schools, unless the group got a reminder of the same task and
 * period within the cooldown (`limits.remind_cooldown_minutes`; `force` overrides it), records
 * it as the group's last and queues it, with when it should go out, given what is queued before
 * it in the group's rate window. The push is re-checked at delivery, so schools that report
 * meanwhile are not named. `request.now` is when it was asked for; `notes` say what it did, for
 * whoever asked (describeRemindOutcome). Here, not in features/reminders, which plans and words
 * reminders: sending one is an act on the cooldown and the queue, done where jobs act.
 */
export async function sendReminders(
  deps: ReminderDeps,
  request: ReminderRequest,
  options: RemindOptions = {},
): Promise<RemindOutcome & { notes: string[] }> {
  const { task, period } = request;
  const { plans, ...reach } = await loadReminderPlans(deps, request);
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
    let waitMs: number;
    try {
      waitMs = (await deps.push.enqueue(plan.push, { estimate: true, ...(holdMs > 0 && { delayMs: holdMs }) })) ?? 0;
    } catch (error) {
      // Not queued: the next 提醒 must not be refused for a reminder nobody got.
      if (cooldownMs > 0) await deps.cooldowns.release(task, period.id, plan.group, key).catch(() => {});
      throw error;
    }
    const eta = now + waitMs;
    if (cooldownMs > 0) await deps.cooldowns.setEta(task, period.id, plan.group, key, eta);
    groups.push({ ...base, state: "queued", eta: new Date(eta) });
  }
  const outcome: RemindOutcome = { period, ...reach, groups, ...(holdMs > 0 && { heldUntil: new Date(now + holdMs) }) };
  return { ...outcome, notes: describeRemindOutcome(outcome, deps.config, request.now) };
}
