import { z } from "zod";
import type { BotCard, CardButton, CardSelect } from "../../message/card.js";
import { readTapKey } from "../../bot/tap-key.js";
import type { FieldDeclaration } from "../../config/kind-schema.js";
import type { ReportKind } from "../../config/kinds.js";
import type { School } from "../../config/roster.js";
import { MAX_SCHOOL_FIGURE } from "../../config/school.js";
import type { Report } from "../../store/report.js";
import type { ReportStore } from "../../store/reports.js";
import { addDays, toLocalDate } from "../../time/local-time.js";
import { fitExampleDates } from "./fit-example.js";
import { isPastDeadline } from "../../time/periods.js";
import type { TaskCalendar, TaskPeriod } from "../../time/task-calendar.js";
import { cardText } from "./card-text.js";
import { formatCheckInCard } from "./check-in-card.js";

/**
 * What a kind's card can collect, from its declaration: one answer per button (今日平安 for a
 * status, 召开了 / 未召开 for a yes/no), one choice as a dropdown, or the required counts as
 * 与上次相同. A kind fits when every required field is one of those and one tap gives them all:
 * either counts alone, or at most one status or yes/no with at most one choice of up to 10
 * options. 平安日报 has a card of its own (check-in-card.ts); a kind that needs a text or a date
 * (假期值班's names) has none: it is typed.
 */
export interface KindCardShape {
  /** A status field: 今日平安 and 有异常，去填写. */
  status?: string;
  /** A yes/no field: `<label>了` and `未<label>`. */
  yesno?: { id: string; label: string };
  /** A single choice of at most 10 options, as a dropdown. */
  choice?: { id: string; field: FieldDeclaration };
  /** The required counts, with their totals after them: 与上次相同. */
  counts?: { id: string; field: FieldDeclaration }[];
}

/** WeCom shows at most 10 options in a button card's dropdown. */
const MAX_OPTIONS = 10;

export function cardShapeOf(kind: Pick<ReportKind, "id" | "reader" | "fields">): KindCardShape | undefined {
  if (kind.reader === "safety") return undefined;
  const required = Object.entries(kind.fields).filter(([, field]) => field.required);
  const of = (type: FieldDeclaration["type"]) => required.filter(([, field]) => field.type === type);
  const [statuses, yesnos, choices, counts] = [of("status"), of("yesno"), of("choice"), of("count")];
  if (statuses.length + yesnos.length + choices.length + counts.length !== required.length || required.length === 0) return undefined;
  if (counts.length > 0) {
    if (counts.length !== required.length) return undefined;
    return { counts: counts.map(([id, field]) => ({ id, field })) };
  }
  if (statuses.length + yesnos.length > 1 || choices.length > 1) return undefined;
  const choice = choices[0];
  if (choice && (choice[1].multiple || (choice[1].options ?? []).length > MAX_OPTIONS)) return undefined;
  return {
    ...(statuses[0] && { status: statuses[0][0] }),
    ...(yesnos[0] && { yesno: { id: yesnos[0][0], label: yesnos[0][1].label } }),
    ...(choice && { choice: { id: choice[0], field: choice[1] } }),
  };
}

/** The topic of a kind's card keys (see bot/tap-key.ts): each kind's command answers its own taps. */
export const kindTapTopic = (kind: Pick<ReportKind, "id">) => `report:${kind.id}`;

const ANSWERS = ["ok", "abnormal", "yes", "no", "same", "submit"] as const;
type KindAnswer = (typeof ANSWERS)[number];

/**
 * What a button of a kind's card stands for. Anyone can forge a tap, so a key is read with this
 * schema and what it names is checked again where it is used: the period, the school (only one
 * the tapper reports for) and the figures (only the kind's counts, none a school could not have: 1e21 would
 * be written "1e+21" and read as 21; then read as typed figures are).
 */
const kindKeySchema = (kind: Pick<ReportKind, "id">) =>
  z.strictObject({
    t: z.literal(kindTapTopic(kind)),
    /** The period the card was made for. */
    p: z.string().min(1).max(40),
    a: z.enum(ANSWERS),
    /** The school: on a card made for one, or chosen by a reporter of several. */
    s: z.string().min(1).max(64).optional(),
    /** 与上次相同: the figures the button shows, by count field. */
    v: z.record(z.string().max(64), z.number().int().nonnegative().max(MAX_SCHOOL_FIGURE)).optional(),
    /** The dropdown's option chosen before the school was (a reporter of several schools). */
    o: z.string().max(8).optional(),
  });

export type KindKey = z.infer<ReturnType<typeof kindKeySchema>>;

export function parseKindKey(kind: Pick<ReportKind, "id">, raw: string): KindKey | undefined {
  return readTapKey(raw, kindKeySchema(kind));
}

export function formatKindKey(key: KindKey): string {
  return JSON.stringify(key);
}

/** The figures of the required counts in a report (with their totals), or undefined when it lacks one. */
export function sameFigures(shape: KindCardShape, report: Report): Record<string, number> | undefined {
  const value = report.value as unknown as Record<string, unknown>;
  const figures: Record<string, number> = {};
  for (const { id, field } of shape.counts ?? []) {
    const n = value[id];
    if (typeof n !== "number") return undefined;
    figures[id] = n;
    const total = field.total === undefined ? undefined : value[field.total];
    if (field.total !== undefined && typeof total === "number") figures[field.total] = total;
  }
  return figures;
}

/**
 * The figures as a message gives them, which is also what the button shows: `1180/1200` for
 * the first count with its total, `<label>50` for the others.
 */
export function formatFigures(shape: KindCardShape, kind: Pick<ReportKind, "fields">, figures: Readonly<Record<string, number>>): string {
  let paired = false;
  return (shape.counts ?? [])
    .map(({ id, field }) => {
      const n = figures[id]!;
      const total = field.total === undefined ? undefined : figures[field.total];
      if (total !== undefined && !paired) {
        paired = true;
        return `${n}/${total}`;
      }
      return [`${field.label}${n}`, ...(total === undefined ? [] : [`${kind.fields[field.total!]!.label}${total}`])].join(" ");
    })
    .join(" ");
}

/** How many earlier periods 与上次相同 looks back through for the school's last report. */
const LAST_PERIODS = 10;

/** The school's report in the latest of the kind's earlier required periods that has one (within 62 days). */
export async function lastReport(deps: { calendar: TaskCalendar; store: ReportStore }, period: TaskPeriod, school: School): Promise<{ period: TaskPeriod; report: Report } | undefined> {
  const earlier = deps.calendar
    .list(period.task, addDays(period.start, -62), addDays(period.start, -1))
    .filter((p) => p.required && p.id !== period.id)
    .reverse()
    .slice(0, LAST_PERIODS);
  const reports = await Promise.all(earlier.map((p) => deps.store.get(p.task, p.id, school.code)));
  const at = reports.findIndex(Boolean);
  return at < 0 ? undefined : { period: earlier[at]!, report: reports[at]! };
}

/** The dropdown of the shape's choice: its options by their place in the declaration. */
export function choiceSelect(shape: KindCardShape): CardSelect | undefined {
  const { choice } = shape;
  if (!choice) return undefined;
  return { key: choice.id, title: choice.field.label, options: (choice.field.options ?? []).map((text, i) => ({ id: String(i), text })) };
}

/**
 * The buttons of a kind's card for a period. `school` and `figures`, on a card made for one
 * school (the answer to its reporter's bare word), put the school and its last figures in the
 * keys; a card for a group names neither (a card is one message for everyone).
 */
export function kindButtons(kind: Pick<ReportKind, "id" | "fields">, shape: KindCardShape, periodId: string, at: { school?: string; figures?: Record<string, number>; option?: string } = {}): CardButton[] {
  const key = (a: KindAnswer, extra: Partial<KindKey> = {}) =>
    formatKindKey({ t: kindTapTopic(kind), p: periodId, a, ...(at.school && { s: at.school }), ...(at.option !== undefined && { o: at.option }), ...extra });
  if (shape.counts) {
    const { figures } = at;
    return [{ text: figures ? cardText.sameAs(formatFigures(shape, kind, figures)) : cardText.sameButton, key: key("same", figures && { v: figures }), primary: true }];
  }
  if (shape.status) return [{ text: cardText.okButton, key: key("ok"), primary: true }, { text: cardText.abnormalButton, key: key("abnormal") }];
  if (shape.yesno) {
    return [
      { text: cardText.yesButton(shape.yesno.label), key: key("yes"), primary: true },
      { text: cardText.noButton(shape.yesno.label), key: key("no") },
    ];
  }
  return [{ text: cardText.submitButton, key: key("submit"), primary: true }];
}

/** A kind's card for a period: its title, deadline, how to type more, a dropdown and its buttons. */
export function formatKindCard(args: {
  id: string;
  kind: ReportKind;
  shape: KindCardShape;
  period: TaskPeriod;
  timeZone: string;
  now: Date;
  botName: string;
  school?: string;
  figures?: Record<string, number>;
}): BotCard {
  const { id, kind, shape, period, timeZone, now, botName, school, figures } = args;
  const select = choiceSelect(shape);
  return {
    id,
    title: cardText.title(period),
    desc: cardText.desc(period, timeZone, isPastDeadline(period, now)),
    text: cardText.kindBody(botName, kind.examples[0] === undefined ? kind.words[0]! : fitExampleDates(kind, kind.examples[0], toLocalDate(now, timeZone))),
    ...(select && { select }),
    buttons: kindButtons(kind, shape, period.id, { ...(school && { school }), ...(figures && { figures }) }),
  };
}

/**
 * The card under a reminder to a group the smart bot pushes to: 平安日报's one-tap check-in, or
 * the card of any other kind that fits one; none for a kind that must be typed.
 */
export function reminderCard(args: { id: string; kind: ReportKind; period: TaskPeriod; timeZone: string; now: Date; botName: string }): BotCard | undefined {
  const { kind, ...rest } = args;
  if (kind.id === "safety") return formatCheckInCard(rest);
  const shape = cardShapeOf(kind);
  return shape && formatKindCard({ ...args, shape });
}
