import { z } from "zod";
import type { CommandContext } from "../../bot/command.js";
import type { BotCard, CardButton } from "../../message/card.js";
import { readTapKey } from "../../bot/tap-key.js";
import { isPastDeadline } from "../../time/periods.js";
import type { TaskPeriod } from "../../time/task-calendar.js";
import type { School } from "../../config/roster.js";
import { cardText } from "./card-text.js";

/**
 * What a button of the check-in card stands for. Keys come back from WeCom as sent, but anyone
 * can forge a tap, so every key is read with this schema and what it names is checked again:
 * the period (a tap on yesterday's card records nothing today) and the school (only one the
 * tapper reports for).
 */
const cardKeySchema = z.strictObject({
  /** The task; only the daily safety report has a card. */
  t: z.literal("safety"),
  /** The period the card was made for. */
  p: z.string().min(1).max(40),
  /** `ok`: 今日平安; `abnormal`: 有异常，去填写. */
  a: z.enum(["ok", "abnormal"]),
  /** The school chosen on the choice card of a reporter of several schools. */
  s: z.string().min(1).max(64).optional(),
});

export type CardKey = z.infer<typeof cardKeySchema>;

/** A button's key: small JSON, well under WeCom's 1024 bytes. */
export function formatCardKey(key: CardKey): string {
  return JSON.stringify(key);
}

/** The key of a tapped button, or undefined when it is not one of ours. */
export function parseCardKey(raw: string): CardKey | undefined {
  return readTapKey(raw, cardKeySchema);
}

/** A card's task_id from its parts: only `[0-9A-Za-z_-@]` (others become `_`), at most 128 bytes. */
export function formatCardId(...parts: readonly string[]): string {
  return parts.join("-").replace(/[^0-9A-Za-z_\-@]/g, "_").slice(0, 128);
}

/** The two buttons of the safety report for a period. */
export function checkInButtons(periodId: string): CardButton[] {
  return [
    { text: cardText.okButton, key: formatCardKey({ t: "safety", p: periodId, a: "ok" }), primary: true },
    { text: cardText.abnormalButton, key: formatCardKey({ t: "safety", p: periodId, a: "abnormal" }) },
  ];
}

/** The buttons of a reporter of several schools: one per school (at most six), each naming it. */
export function schoolButtons(periodId: string, schools: readonly School[]): CardButton[] {
  return schools.slice(0, 6).map((school) => ({
    text: cardText.schoolButton(school),
    key: formatCardKey({ t: "safety", p: periodId, a: "ok", s: school.code }),
  }));
}

/** The card of a day's safety report: 今日平安 ✅ and 有异常，去填写. `id` must be unique per bot. */
export function formatCheckInCard(args: { id: string; period: TaskPeriod; timeZone: string; now: Date }): BotCard {
  const { id, period, timeZone, now } = args;
  return {
    id,
    title: cardText.title(period),
    desc: cardText.desc(period, timeZone, isPastDeadline(period, now)),
    text: cardText.body,
    buttons: checkInButtons(period.id),
  };
}

/**
 * The card under a reporter's answer to 帮助 and 状态: the safety report of today when it is
 * required today, else none (holidays, weekends, a leader asking).
 */
export function commandCheckInCard(ctx: Pick<CommandContext, "roles" | "calendar" | "now" | "msgid" | "config">): BotCard | undefined {
  if (!ctx.roles.has("reporter") || !ctx.calendar.tasks.includes("safety")) return undefined;
  const period = ctx.calendar.at("safety", ctx.now);
  if (!period?.required || period.kind !== "day") return undefined;
  return formatCheckInCard({ id: formatCardId("ask", ctx.msgid), period, timeZone: ctx.config.timezone, now: ctx.now });
}
