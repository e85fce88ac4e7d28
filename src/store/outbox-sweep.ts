import type { Logger } from "pino";
import { addDays, toLocalDate } from "../time/local-time.js";
import type { Clock } from "../clock/clock.js";
import type { TaskCalendar } from "../time/task-calendar.js";
import type { ReportStore } from "./reports.js";

/** How far back the sweep looks: a process may have died before relaying, days ago. */
const SWEEP_DAYS = 8;

/**
 * The workers' side of the outbox: every few seconds, relays whatever a recent period's outbox
 * still holds (a web process that recorded a report and died before handing on its alert),
 * then has a turn queued for every alert mailbox that holds alerts no turn will send.
 * Returns a stop function.
 */
export function startOutboxSweep({
  store,
  mailboxes,
  calendar,
  clock,
  timeZone,
  log,
  everyMs = 5_000,
}: {
  store: Pick<ReportStore, "relay">;
  /** The push pipeline's alert mailboxes (PushQueue.ensureAlertTurns). */
  mailboxes: { ensureAlertTurns(): Promise<readonly string[]> };
  calendar: Pick<TaskCalendar, "tasks" | "list">;
  clock: Clock;
  timeZone: string;
  log: Pick<Logger, "info" | "warn">;
  everyMs?: number;
}): () => Promise<void> {
  let running: Promise<void> | undefined;
  const sweep = async () => {
    const today = toLocalDate(clock.now(), timeZone);
    for (const task of calendar.tasks) {
      for (const period of calendar.list(task, addDays(today, -SWEEP_DAYS), today)) {
        const relayed = await store.relay(task, period.id);
        if (relayed > 0) log.info({ task, period: period.id, relayed }, "outbox relayed by the sweep");
      }
    }
    const resumed = await mailboxes.ensureAlertTurns();
    if (resumed.length > 0) log.info({ groups: resumed }, "alerts given a turn by the sweep");
  };
  const timer = setInterval(() => {
    running ??= sweep()
      .catch((error: unknown) => log.warn({ err: error }, "outbox sweep failed"))
      .finally(() => {
        running = undefined;
      });
  }, everyMs);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await running;
  };
}
