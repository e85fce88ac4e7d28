import type { CardTap, CommandInput } from "../../bot/command.js";
import { botText } from "../../bot/bot-text.js";
import type { BotCard, CardButton } from "../../message/card.js";
import { normalizeText, quoteAsTyped } from "../../text/words.js";
import type { ReportKind } from "../../config/kinds.js";
import { reporterRoleOf } from "../../config/scope.js";
import { isUserMistake } from "../../errors.js";
import { plainText, shorten } from "./card-body.js";
import { cardText } from "./card-text.js";
import { inForce } from "./check-in.js";
import { formatCardId } from "./check-in-card.js";
import { cardShapeOf, choiceSelect, formatFigures, formatKindCard, formatKindKey, kindButtons, lastReport, parseKindKey, sameFigures, type KindCardShape, type KindKey } from "./kind-card.js";
import { reportingAs, type ReportContext } from "./kind-readers.js";
import { tappedSchool } from "./tapped-school.js";
import { fitExample } from "./fit-example.js";
import { toLocalDate } from "../../time/local-time.js";

/** What `answer` gives, or `refused(message)` where it refuses the user's mistake (isUserMistake): a tap and a bare word record nothing then. */
async function refusedAs<T>(refused: (message: string) => T, answer: () => T | Promise<T>): Promise<T> {
  try {
    return await answer();
  } catch (error) {
    if (isUserMistake(error)) return refused(error.message);
    throw error;
  }
}

/** Records the words after the kind's keyword as the typed message would: read by the kind's reader, then checked in. */
export type RecordWords = (input: CommandInput, ctx: ReportContext) => Promise<string>;

/**
 * The answer to a tap on a kind's card, as the card that replaces it for the tapper. A button
 * stands for words (召开 / 未召开 / 平安 / the figures of 与上次相同, with the dropdown's option), and
 * those words are recorded as if the tapper had typed them after the kind's keyword: the same
 * reader, limits, rules, alerts, reply and corrections. Only a reporter of the school records
 * (of a role's kind, the school's role people: reportingAs); a forged key, another period's card, a leader (who enters for a school with 代报), a school not
 * his or a kind out of its period records nothing and says why in Chinese.
 */
export async function answerKindTap(tap: CardTap, sender: ReportContext, kind: ReportKind, record: RecordWords): Promise<BotCard> {
  const shape = cardShapeOf(kind);
  if (!shape) throw new Error(`kind ${kind.id} has no card to tap`);
  const botName = sender.config.bot.name;
  const word = kind.words[0]!;
  // The card's period asked once here, for its buttons and the expiry check; the recording reads
  // its own moment from the words as a typed message does, so a tap and a message cannot differ.
  const today = sender.calendar.at(kind.id, sender.now);
  const key = parseKindKey(kind, tap.key);
  const card = (title: string, text: string, buttons?: CardButton[]): BotCard => {
    const select = choiceSelect(shape);
    return {
      id: tap.cardId,
      title,
      text: shorten(text),
      // A card keeps its buttons: the current period's for a group, or those it is given.
      ...(select && !buttons && { select }),
      buttons: buttons ?? kindButtons(kind, shape, today?.id ?? key?.p ?? "none"),
    };
  };

  if (!key || !figuresFit(shape, key)) return card(cardText.notRecordedTitle, cardText.kindUnreadable(botName, word));
  if (sender.roles.size === 0) return card(cardText.notRecordedTitle, botText.unknownSender(sender.config));
  // Whatever refuses the tapper on the way (not his school's reporter, the kind out of its period, the words) is said on the card.
  return refusedAs(
    (message) => card(cardText.notRecordedTitle, message),
    async () => {
      const ctx = sender.schools.length === 0 && !sender.roster.inRole(sender.sender.userid) ? sender : reportingAs(sender, kind, reporterRoleOf(sender.config, kind.id));
      if (ctx.schools.length === 0) return card(cardText.notRecordedTitle, cardText.kindForLeaders(botName, word));
      if (key.a === "abnormal") return card(cardText.abnormalTitle, cardText.kindAbnormal(botName, word));
      const period = inForce(ctx, kind.id, today);
      if (key.p !== period.id) return card(cardText.notRecordedTitle, cardText.kindExpired(ctx.calendar.byId(kind.id, key.p), botName, word));

      const option = tap.selected?.[shape.choice?.id ?? ""]?.[0] ?? key.o;
      const tapped = tappedSchool(ctx, key.s);
      if (tapped === "choose") {
        // A reporter of several schools says which one: the same answer, for that school.
        const buttons = ctx.schools.slice(0, 6).map((s) => ({
          text: cardText.schoolButton(s),
          key: formatKindKey({ ...key, s: s.code, ...(option !== undefined && { o: option }) }),
        }));
        return card(cardText.chooseTitle, cardText.kindChoose, buttons);
      }
      if ("refusal" in tapped) return card(cardText.notRecordedTitle, tapped.refusal);
      const { school } = tapped;

      if (key.a === "same" && !key.v) {
        const last = await lastReport(ctx, period, school);
        const figures = last && sameFigures(shape, last.report);
        const example = kind.examples[0];
        if (!last || !figures) return card(cardText.notRecordedTitle, cardText.noLast(botName, example === undefined ? word : fitExample(kind, example, { school, today: toLocalDate(ctx.now, ctx.config.timezone) })));
        const confirm = formatKindCard({ id: tap.cardId, kind, shape, period, timeZone: ctx.config.timezone, now: ctx.now, botName, school: school.code, figures });
        return { ...confirm, title: cardText.sameTitle, text: cardText.same(last.period, formatFigures(shape, kind, figures)) };
      }

      const words = [answerWords(shape, kind, key, option), ...(ctx.schools.length > 1 ? [school.name] : [])].join(" ").trim();
      const reply = await record(wordsInput(words, botName), { ...ctx, raw: cardText.kindTapRaw(`${word} ${words}`) });
      return card(cardText.kindRecordedTitle(kind.name), plainText(reply), kindButtons(kind, shape, period.id, { school: school.code, ...(key.v && { figures: key.v }) }));
    },
  );
}

/** The words a button stands for, as a principal would type them after the kind's keyword. */
function answerWords(shape: KindCardShape, kind: ReportKind, key: KindKey, option: string | undefined): string {
  const chosen = shape.choice && option !== undefined ? shape.choice.field.options?.[Number(option)] : undefined;
  const answer =
    key.a === "same" && key.v ? formatFigures(shape, kind, key.v)
    : key.a === "ok" && shape.status ? "平安"
    : key.a === "yes" && shape.yesno ? shape.yesno.label
    : key.a === "no" && shape.yesno ? `未${shape.yesno.label}`
    : "";
  return [answer, chosen ?? ""].filter(Boolean).join(" ");
}

/** Figures in a key name exactly the shape's counts and their totals: anything else is not one of our keys. */
function figuresFit(shape: KindCardShape, key: KindKey): boolean {
  if (!key.v) return true;
  const expected = new Set((shape.counts ?? []).flatMap(({ id, field }) => [id, ...(field.total === undefined ? [] : [field.total])]));
  const given = Object.keys(key.v);
  return shape.counts !== undefined && given.every((id) => expected.has(id)) && shape.counts.every(({ id }) => id in key.v!);
}

/** Words as the registry hands a command the words after its keyword. */
function wordsInput(words: string, botName: string): CommandInput {
  const text = normalizeText(words, botName);
  // Nothing before the keyword: the words around it are the words after it.
  const quote = quoteAsTyped(text);
  return { folded: text.folded, original: text.original, quote, before: "", originalBefore: () => "", whole: text.typed, around: { folded: text.folded, original: text.original, quote } };
}

/** The card under a reporter's bare keyword (例会, 防溺水): the kind's answers for his one school, or none. */
export async function bareWordCard(sender: ReportContext, input: CommandInput, kind: ReportKind): Promise<BotCard | undefined> {
  const shape = cardShapeOf(kind);
  // A bare status word is a report already (汛期 alone is 平安); only a kind that needs an answer asks for it.
  if (!shape || shape.status || input.folded !== "" || input.before !== "" || !sender.roles.has("reporter")) return undefined;
  // Of a role's kind, the role person's schools; anyone else gets no card, and his words are refused as typed.
  const ctx = await refusedAs<ReportContext | undefined>(() => undefined, () => reportingAs(sender, kind, reporterRoleOf(sender.config, kind.id)));
  if (ctx?.schools.length !== 1) return undefined;
  const period = ctx.calendar.at(kind.id, ctx.now);
  if (!period?.required) return undefined;
  const school = ctx.schools[0]!;
  let figures: Record<string, number> | undefined;
  if (shape.counts) {
    const last = await lastReport(ctx, period, school);
    figures = last && sameFigures(shape, last.report);
    if (!figures) return undefined;
  }
  return formatKindCard({ id: formatCardId("ask", kind.id, ctx.msgid), kind, shape, period, timeZone: ctx.config.timezone, now: ctx.now, botName: ctx.config.bot.name, school: school.code, ...(figures && { figures }) });
}
