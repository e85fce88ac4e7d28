import type { CardTap, CommandContext } from "../../bot/command.js";
import { botText } from "../../bot/bot-text.js";
import type { BotCard, CardButton } from "../../message/card.js";
import { personLabel } from "../../config/roster.js";
import { isUserMistake } from "../../errors.js";
import type { TaskPeriod } from "../../time/task-calendar.js";
import { checkInFirst, currentPeriod, replyVoice } from "./check-in.js";
import { plainText, shorten } from "./card-body.js";
import { cardText } from "./card-text.js";
import { checkInButtons, parseCardKey, schoolButtons } from "./check-in-card.js";
import { readSafety } from "./read-report.js";
import { tappedSchool } from "./tapped-school.js";
import { reportText } from "./report-text.js";
import type { ReportKind } from "../../config/kinds.js";

/**
 * The answer to a tap on the check-in card, as the card that replaces it for the tapper. 今日平安
 * records 平安 for the tapper's school through the same check-in as a typed `平安` (late,
 * exemptions, holidays, alerts, the reply kept by msgid); a reporter of several schools is
 * asked which one, a school already reported today is not recorded again, and a tap by anyone
 * who is not a reporter, on another day's card, or with a key that is not ours records nothing
 * and says why. 有异常 records nothing and shows what to type.
 */
export async function answerCardTap(tap: CardTap, ctx: CommandContext<"config" | "roster" | "store" | "records" | "calendar" | "moments">, kind: ReportKind): Promise<BotCard> {
  const botName = ctx.config.bot.name;
  const today = ctx.calendar.at("safety", ctx.now);
  const key = parseCardKey(tap.key);
  const card = (title: string, text: string, buttons?: CardButton[]): BotCard => ({
    id: tap.cardId,
    title,
    text: shorten(text),
    // A card always keeps buttons: today's, else the tapped card's, else ones naming no period
    // (a tap on them says why again).
    buttons: buttons ?? checkInButtons(today?.id ?? key?.p ?? "none"),
  });

  if (!key) return card(cardText.notRecordedTitle, cardText.unreadable(botName));
  if (ctx.roles.size === 0) return card(cardText.notRecordedTitle, botText.unknownSender(ctx.config));
  if (ctx.schools.length === 0) return card(cardText.notRecordedTitle, cardText.forLeaders(botName));
  if (key.a === "abnormal") return card(cardText.abnormalTitle, cardText.abnormal(botName, ctx.schools));

  let period: TaskPeriod;
  try {
    period = currentPeriod(ctx, "safety");
  } catch (error) {
    if (isUserMistake(error)) return card(cardText.notRecordedTitle, error.message);
    throw error;
  }
  if (key.p !== period.id) {
    const then = ctx.calendar.byId("safety", key.p);
    return card(cardText.notRecordedTitle, then ? cardText.expired(then, botName) : cardText.expiredUnknown(botName));
  }

  const tapped = tappedSchool(ctx, key.s);
  if (tapped === "choose") return chooseSchool(ctx, period, tap.cardId);
  if ("refusal" in tapped) return card(cardText.notRecordedTitle, tapped.refusal);
  const { school } = tapped;

  try {
    const { value, notes } = readSafety({ before: "", words: "", school, voice: replyVoice(ctx, school) });
    // Only the school's first report: a tap never replaces what another reporter sent meanwhile.
    const done = await checkInFirst({ ...ctx, raw: cardText.tapRaw }, school, value, kind, notes);
    if (done.outcome === "recorded") return card(cardText.recordedTitle, plainText(done.reply));
    const { previous } = done;
    const byName = personLabel(previous.by, ctx.config, school);
    const text = cardText.already({ at: previous.at, byName, value: reportText.value(previous.value, { chars: 30 }) }, ctx.config.timezone, botName);
    return card(cardText.alreadyTitle(school), text);
  } catch (error) {
    if (isUserMistake(error)) return card(cardText.notRecordedTitle, error.message);
    throw error;
  }
}

/** The choice of a reporter of several schools: a button for each school not reported yet. */
async function chooseSchool(ctx: CommandContext<"config" | "store">, period: TaskPeriod, cardId: string): Promise<BotCard> {
  const reports = await Promise.all(ctx.schools.map((school) => ctx.store.get("safety", period.id, school.code)));
  const reported = ctx.schools.filter((_, i) => reports[i]);
  const open = ctx.schools.filter((_, i) => !reports[i]);
  if (open.length === 0) {
    return { id: cardId, title: cardText.allReportedTitle, text: shorten(cardText.allReported(reported)), buttons: checkInButtons(period.id) };
  }
  const buttons = schoolButtons(period.id, open);
  const more = open.slice(buttons.length);
  return { id: cardId, title: cardText.chooseTitle, text: shorten(cardText.choose(reported, more, ctx.config.bot.name)), buttons };
}
