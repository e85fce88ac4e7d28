import type { Config } from "../config/schema.js";
import { parseSlot } from "../time/slots.js";
import { deriveSchedules } from "../schedule/derive-schedules.js";
import type { Clock } from "../clock/clock.js";
import { formatClock, toInstant, type LocalDate } from "../time/local-time.js";
import { formatChatTitle } from "./render-chat.js";

/** The demos play in this zone (the example configs'). */
export const DEMO_ZONE = "Asia/Shanghai";

interface ChatLine {
  group: string;
  at: number;
  order: number;
  text: string;
}

/**
 * The chats a demo prints: lines added as they happen (a message, the bot's answer, a push),
 * each in its group, printed group by group in the order of their times (lines of one
 * time in the order added); a group where nothing was said is left out.
 */
export function createDemoChat() {
  const lines: ChatLine[] = [];
  return {
    add(group: string, at: number, text: string) {
      lines.push({ group, at, order: lines.length, text });
    },
    print(groups: readonly string[], out: (line: string) => void) {
      for (const group of groups) {
        const shown = lines.filter((line) => line.group === group).sort((a, b) => a.at - b.at || a.order - b.order);
        if (shown.length === 0) continue;
        out(formatChatTitle(group));
        for (const line of shown) out(line.text);
      }
    },
  };
}

/** `08:31`: a chat line's time. */
export function hhmm(at: number): string {
  return formatClock(new Date(at), DEMO_ZONE);
}

interface Counted {
  getJobCounts(...states: string[]): Promise<Record<string, number>>;
}

/** What a demo plays a day on: the running service's config, its schedule queue and push queue. */
export interface PlayedSystem {
  config: Config;
  scheduler: { queue: Counted & { add(name: string, data: { kind: string; scheduleId: string }, options: { prevMillis: number }): Promise<unknown> } };
  pushQueue: { queue: Counted };
}

/**
 * Plays `day` from `from` on a clock running `speed` × real time: each step of the script at its
 * local time, and the scheduler's firings of the day (reminders, tallies) added to the real
 * schedule queue at theirs, as BullMQ would add them; then waits for their pushes to go out.
 */
export async function playDay<S extends { at: string }>(
  rt: PlayedSystem,
  clock: Clock & { set(at: Date): void; advance(ms: number): void },
  { day, from, speed, steps, run }: { day: LocalDate; from: string; speed: number; steps: readonly S[]; run(step: S): Promise<void> },
): Promise<void> {
  const start = toInstant(day, from, DEMO_ZONE).getTime();
  const firings = deriveSchedules(rt.config)
    .map((entry) => ({ at: toInstant(day, parseSlot(entry.at).time, DEMO_ZONE).getTime(), kind: entry.kind }))
    .filter((firing) => firing.at >= start);
  const events = [
    ...steps.map((step) => ({ at: toInstant(day, step.at, DEMO_ZONE).getTime(), step })),
    ...firings.map((firing) => ({ at: firing.at, firing })),
  ].sort((a, b) => a.at - b.at);
  clock.set(new Date(start));
  const ticker = setInterval(() => clock.advance(50 * speed), 50);
  try {
    for (const event of events) {
      while (clock.now().getTime() < event.at) await new Promise((done) => setTimeout(done, 10));
      clock.set(new Date(event.at));
      if ("step" in event) await run(event.step);
      else await rt.scheduler.queue.add(event.firing.kind, { kind: event.firing.kind, scheduleId: `demo-${event.firing.kind}` }, { prevMillis: event.at });
    }
    await waitForQuiet(rt);
  } finally {
    clearInterval(ticker);
  }
}

/** Waits until the scheduled jobs and the pushes they queued are all done. */
async function waitForQuiet(rt: Pick<PlayedSystem, "pushQueue" | "scheduler">): Promise<void> {
  for (let i = 0; i < 600; i += 1) {
    const counts = await Promise.all([rt.pushQueue.queue, rt.scheduler.queue].map((q) => q.getJobCounts("waiting", "delayed", "active", "prioritized")));
    if (counts.every((c) => Object.values(c).every((n) => n === 0))) return;
    await new Promise((done) => setTimeout(done, 50));
  }
}
