import type { CardTap, CommandContext, CommandInput } from "../../bot/command.js";
import type { BotCard } from "../../message/card.js";
import { blankSpan, findFolded, type FoundString, quoteAsFolded, type QuoteTyped, splitWords, wordsAround } from "../../text/words.js";
import { kindOf, type KindReaderName, type ReportKind } from "../../config/kinds.js";
import { isAssigned, reporterName, type Roster, type School } from "../../config/roster.js";
import { shortNameOf } from "../../config/school.js";
import { reportersAt, schoolsReportedBy } from "../../config/scope.js";
import type { ReportValue } from "../../store/report.js";
import type { TaskId } from "../../config/schema.js";
import type { TaskPeriod } from "../../time/task-calendar.js";
import { answerQuestion } from "./answer-question.js";
import { answerCardTap } from "./card-tap.js";
import { checkIn, inForce, replyVoice } from "./check-in.js";
import { asksAboutReporting, endsWithLabel, FIGURE_LABELS, isQuestion, readDrowning, readReportDate, readSafety, readStudy, readStudyTopic, type KindsApart, type Question } from "./read-report.js";
import { figureLabelsOf, readFields } from "./read-fields.js";
import { addDays } from "../../time/local-time.js";
import { CodedError, ErrorCode, hasCode } from "../../errors.js";
import { reportText } from "./report-text.js";

/*
 * Reading a report message, whatever its kind: the school it is for (resolveSchool), the period
 * (readReportPeriod), the value by the kind's reader, or the question it asks instead; and what a
 * reading comes to (recordReading). Each reader asks these once and hands the check-in all it needs.
 */

/** The services a report of any kind reads and records with. */
export type ReportServices = "config" | "roster" | "calendar" | "moments" | "store" | "records" | "exemptions";
export type ReportContext = CommandContext<ReportServices>;

/** A report as read from a message: the school, an earlier period it names (a 补报), the value and the reply's notes. */
export interface ReadMessage {
  school: School;
  period?: TaskPeriod;
  value: ReportValue;
  notes: string[];
}

/** A kind as its command reads it: with the role that reports it (reporterRoleOf), asked once at start. */
export interface BoundKind extends ReportKind {
  readonly role: string | undefined;
  /** The other kinds, worked out once: their words (a report holding one is two) and how a reply names each. */
  readonly apart: KindsApart;
}

/**
 * A reader a kind's declaration names (`reader:`): the grammar of its messages. It reads the
 * words after the kind's keyword into the value the kind records, or into a question when the
 * message asks rather than reports.
 */
export interface KindReader {
  /** Everyday words that start the kind only as a message's first word (see CommandSpec.firstWords). */
  firstWords?: readonly string[];
  /** Everyday words that start it only where no other command is named (see CommandSpec.lastResort). */
  lastResort?: readonly string[];
  read(input: CommandInput, ctx: ReportContext, kind: BoundKind): ReadMessage | Question;
  /** Answers a tap on the kind's check-in card. */
  tap?(tap: CardTap, ctx: ReportContext, kind: ReportKind): Promise<BotCard>;
}

/**
 * The school a report of the kind names (resolveSchool), refused before its words are read when
 * the kind's `schools` leave it out: its principal learns that his school does not report it.
 */
function resolveReporting(ctx: ReportContext, text: string, kind: BoundKind, quote: QuoteTyped, named?: readonly FoundString<string>[]): { school: School; rest: string } {
  const found = resolveSchool(reportingAs(ctx, kind, kind.role), text, quote, named);
  const schools = ctx.config.tasks[kind.id]?.schools;
  if (schools && schools !== "all" && !isAssigned({ schools }, found.school)) {
    throw new CodedError(ErrorCode.Usage, reportText.notAssigned(found.school.name, kind.name));
  }
  return found;
}

/**
 * The sender as a reporter of the kind, `role` the one that reports it (reporterRoleOf): a kind
 * reported by a role (晨午检 by the 校医) is his for the schools whose role column names him; anyone else of a school (its principal) is told
 * who reports it, and nothing is recorded. A leader's 代报 names its school itself.
 */
export function reportingAs<C extends CommandContext<"roster">>(ctx: C, kind: ReportKind, role: string | undefined): C {
  if (role === undefined || ctx.onBehalf) return ctx;
  const schools = schoolsReportedBy(ctx.roster, ctx.sender.userid, role);
  if (schools.length > 0) return { ...ctx, schools };
  const own = ctx.schools.map((school) => ({ school, people: reportersAt(school, role).map((userid) => reporterName(school, userid) ?? userid) }));
  throw new CodedError(ErrorCode.NotReporter, reportText.reportedByRole(kind.name, role, own));
}

/**
 * What a message read by a kind's reader comes to: a question is answered with the schools'
 * status, a report is checked in (a 补报 into the earlier period its words named).
 */
function recordReading(ctx: ReportContext, read: ReadMessage | Question, kind: ReportKind): Promise<string> {
  return isQuestion(read) ? answerQuestion(ctx, read) : checkIn(ctx, read.school, read.value, kind, { notes: read.notes, ...(read.period && { period: read.period }) });
}

/**
 * A kind's reporting command as its reader reads and records it (commands/report.ts): the
 * reader's words, `read` and `tap` bound to the kind and the role that reports it (`role`,
 * reporterRoleOf), and `run`, what a reading comes to.
 */
export function boundReader(kind: ReportKind, role: string | undefined, apart: KindsApart) {
  const reader = KIND_READERS[kind.reader];
  const bound: BoundKind = { ...kind, role, apart };
  return {
    ...(reader.firstWords && { firstWords: reader.firstWords }),
    ...(reader.lastResort && { lastResort: reader.lastResort }),
    read: (input: CommandInput, ctx: ReportContext) => reader.read(input, ctx, bound),
    run: (read: ReadMessage | Question, ctx: ReportContext) => recordReading(ctx, read, kind),
    ...(reader.tap && { tap: (tap: CardTap, ctx: ReportContext) => reader.tap!(tap, ctx, kind) }),
  };
}

const KIND_READERS: Readonly<Record<KindReaderName, KindReader>> = {
  safety: {
    // 安全 alone is 平安; inside a message it is everyday (安全教育已完成).
    firstWords: ["安全"],
    // 正常, 今天正常上课: 平安 unless another command is named (体温正常，学习 50/52).
    lastResort: ["正常"],
    read(input, ctx, kind) {
      if (asksAboutReporting(input.before, input.folded)) return readQuestion(ctx, input.around.folded, kind.words[0]!, input.around.named);
      const text = input.around;
      const { school, rest } = resolveReporting(ctx, text.folded, kind, text.quote, text.named);
      const { period, words } = readReportPeriod(ctx, kind.id, rest, { figureLabels: FIGURE_LABELS.safety, quote: text.quote });
      const remarkChars = ctx.config.limits.description_chars;
      const read = readSafety({ before: input.before, words, school, voice: replyVoice(ctx, school), typed: text.original, quote: text.quote, remarkChars, apart: kind.apart });
      return { school, ...(period && { period }), ...read };
    },
    // 今日平安 on the check-in card (reminders, 帮助, 状态) is this kind in one tap.
    tap: answerCardTap,
  },
  drowning: {
    read(input, ctx, kind) {
      if (asksAboutReporting(input.before, input.folded)) return readQuestion(ctx, input.around.folded, `${kind.words[0]!} 已提醒人数/应提醒人数`, input.around.named);
      const text = input.around;
      const { school, rest } = resolveReporting(ctx, text.folded, kind, text.quote, text.named);
      const { period, words } = readReportPeriod(ctx, kind.id, rest, { figureLabels: FIGURE_LABELS.drowning, quote: text.quote });
      return { school, ...(period && { period }), ...readDrowning({ words, quote: text.quote, school, voice: replyVoice(ctx, school) }) };
    },
  },
  study: {
    read(input, ctx, kind) {
      // The topic is free text: a question in it (主题：如何做好防溺水？) is no question to us.
      const { topic, words } = readStudyTopic(input);
      const text = wordsAround({ before: input.before, folded: words });
      // The words without the topic are the start of the words around the keyword, and so are the names in them.
      const named = input.around.named?.filter((found) => found.end <= text.length);
      if (asksAboutReporting(input.before, words)) return readQuestion(ctx, text, `${kind.words[0]!} 实到/应到`, named);
      // The words are the start of those around the keyword (the topic cut off the end): their places are its.
      const { quote } = input.around;
      const { school, rest } = resolveReporting(ctx, text, kind, quote, named);
      const { period, words: figures } = readReportPeriod(ctx, kind.id, rest, { figureLabels: FIGURE_LABELS.study, quote });
      return { school, ...(period && { period }), ...readStudy({ words: figures, quote, ...(topic && { topic }), school, voice: replyVoice(ctx, school) }) };
    },
  },
  // Any other declared kind: its fields by their labels (read-fields.ts).
  fields: {
    read(input, ctx, kind) {
      if (asksAboutReporting(input.before, input.folded)) return readQuestion(ctx, input.around.folded, kind.words[0]!, input.around.named);
      const text = input.around;
      const { school, rest } = resolveReporting(ctx, text.folded, kind, text.quote, text.named);
      // A kind with a date field gives a date to it, unless the message is a 补报 (readReportPeriod).
      const dateLabels = Object.values(kind.fields).flatMap((field) => (field.type === "date" ? [field.label] : []));
      const { period, words } = readReportPeriod(ctx, kind.id, rest, { dateLabels: dateLabels.length > 0 ? dateLabels : undefined, figureLabels: figureLabelsOf(kind), quote: text.quote });
      const { value, notes } = readFields({ words, typed: text.original, quote: text.quote, kind, school, today: ctx.moments[kind.id]!.today, voice: replyVoice(ctx, school) });
      return { school, ...(period && { period }), value, notes };
    },
  },
};

/** The word that makes a report a 补报 of an earlier period. */
const MADE_UP = /补报/u;
/** The words with 补报 blanked once it is read (same length, so positions hold): nothing else is to read it. */
const withoutMadeUp = (words: string) => words.replace(new RegExp(MADE_UP.source, "gu"), (word) => " ".repeat(word.length));

/**
 * The period a report's words name by a date (平安 昨天, 代报 龙潭学校 平安 6-15), and the words
 * without the date. None when they name none or a date of the current period; an earlier one is
 * a 补报, taken back to `limits.backfill_days` before today (its period's end); a date to come,
 * one further back or one that asked nothing is refused, never moved to today.
 * A kind with a date field (`dateLabels`, their labels) gives a date to the field unless the words
 * say 补报: then a date names the period made up (补报 例会 11月20日) and the field's date needs
 * its label (日期 11月18日); a second date without one is refused, as nobody can tell which is which.
 */
export function readReportPeriod(
  ctx: Pick<ReportContext, "calendar" | "config" | "moments">,
  task: TaskId,
  words: string,
  { dateLabels, figureLabels, quote }: { dateLabels?: readonly string[] | undefined; figureLabels: readonly string[]; quote: QuoteTyped },
): { period?: TaskPeriod; words: string } {
  const moment = ctx.moments[task]!;
  const { today } = moment;
  if (dateLabels && !MADE_UP.test(words)) return { words };
  const labelled = dateLabels && ((before: string) => endsWithLabel(before, dateLabels));
  // `words` keep their places in the message (names blanked, not cut): `quote` quotes a date of them as typed.
  const { span, typed = "", words: rest } = readReportDate(words, today, { ...(labelled && { labelled }), figureLabels, quote });
  if (labelled && span) {
    const other = readReportDate(rest, today, { labelled, figureLabels, quote });
    const kind = kindOf(ctx.config, task);
    if (other.span) throw new CodedError(ErrorCode.Usage, reportText.twoDatesMadeUp({ first: typed, second: other.typed!, taskName: kind?.name ?? task, word: kind?.words[0] ?? "", label: dateLabels[0]! }));
  }
  const current = inForce(ctx, task, moment.period);
  // A week or month word names a period of its kind; for a daily one (本周平安) it names no day.
  const date = span && ((span.kind !== "week" && span.kind !== "month") || span.kind === current.kind) ? span.start : undefined;
  if (!date || (date >= current.start && date <= current.end)) return { words: withoutMadeUp(rest) };
  const days = ctx.config.limits.backfill_days;
  if (date > today) throw new CodedError(ErrorCode.Usage, reportText.dateAhead(typed, days));
  const period = ctx.calendar.list(task, date, date)[0];
  const earliest = addDays(today, -days);
  if (!period || period.end < earliest) throw new CodedError(ErrorCode.Usage, reportText.dateTooOld(typed, days, earliest, current.taskName));
  if (!period.required) throw new CodedError(ErrorCode.Usage, reportText.notDueOn(period));
  return { period, words: withoutMadeUp(rest) };
}

/**
 * The question a reporting command's message asks: about the school it names, or about all
 * of the sender's schools when he has several and names none. `command` is the keyword and
 * what follows it (`撤销 平安`); `named` as resolveSchool takes them.
 */
export function readQuestion(ctx: Pick<CommandContext, "schools" | "roster" | "onBehalf">, text: string, command: string, named?: readonly FoundString<string>[]): Question {
  let asked: readonly School[];
  try {
    // A name several of his schools share is never quoted back: the question is answered for all of them.
    asked = [resolveSchool(ctx, text, quoteAsFolded, named).school];
  } catch (error) {
    // 平安了吗 from a reporter of two schools: both are answered.
    if (!hasCode(error, ErrorCode.Usage) || ctx.schools.length < 2) throw error;
    asked = ctx.schools;
  }
  // Asked for several schools, the command to send names one: 平安 alone would be refused for him.
  const [keyword, ...rest] = command.split(" ");
  const toSend = asked.length > 1 ? [keyword, shortNameOf(asked[0]!), ...rest].join(" ") : command;
  return { asked, command: replyVoice(ctx, asked[0]!).form(toSend) };
}

interface Mention {
  school: School;
  start: number;
  end: number;
}

/**
 * Where a text names schools of the roster exactly: by full name or short name anywhere (Chinese
 * has no spaces: 东湖小学今日平安), by code as a whole word. `named` are the roster's names and
 * codes found in `text` (findFolded: the registry's one look at a message, handed down with its
 * words, or a look at a text a command made). Longer names first, never overlapping (岭头小学
 * inside 平安县枫林乡岭头小学 is one mention).
 */
function findMentions(text: string, named: readonly FoundString<string>[], roster: Pick<Roster, "byCode" | "byIdentifier">): Mention[] {
  const lower = text.toLowerCase();
  const all: Mention[] = [];
  for (const { value, start, end } of named) {
    const school = roster.byIdentifier.get(value);
    // A leader's roster is his node's part: the schools outside it are not his to name (byCode
    // answers within the part, at once, where a scan of its schools grew with the roster).
    if (!school || roster.byCode(school.code) !== school) continue;
    // A code counts only as a whole run of letters and digits (CG001, not CG0010).
    if (value === school.code && (LETTER_OR_DIGIT.test(lower[start - 1] ?? "") || LETTER_OR_DIGIT.test(lower[end] ?? ""))) continue;
    all.push({ school, start, end });
  }
  all.sort((a, b) => b.end - b.start - (a.end - a.start) || a.start - b.start);
  const kept: Mention[] = [];
  for (const m of all) if (!kept.some((k) => m.start < k.end && k.start < m.end)) kept.push(m);
  return kept.sort((a, b) => a.start - b.start);
}

const LETTER_OR_DIGIT = /^[a-z0-9]$/u;

/** The roster's names and codes in a text a command made itself (not the words the registry handed it). */
const findNames = (text: string, roster: Pick<Roster, "identifiers">) => findFolded(text.toLowerCase(), roster.identifiers);

/** `text` without the spans, each blanked (same length: a place in the rest is a place in `text`). */
const without = (text: string, spans: readonly { start: number; end: number }[]) =>
  spans.reduce((rest, s) => blankSpan(rest, s.start, s.end), text);

/** `text` with every school name, short name and code blanked (same length): words in them are no command's. */
export function blankSchoolNames(text: string, roster: Pick<Roster, "byCode" | "identifiers" | "byIdentifier">): string {
  return without(text, findMentions(text, findNames(text, roster), roster));
}

/**
 * The school a reporter's message is for, and the message's words without its name. A reporter
 * of one school needs not name it; one of several names it anywhere in the message, by name,
 * short name, code, or a part of a name only one of his schools has (岭头); a part several of
 * them share (枫林) is asked about, listing them, quoting the part as typed (`quote`). A school that is not the sender's is refused.
 * `rest` is `text` with the school's name blanked, each character where it was. `named`, the
 * roster's names and codes in `text`, are the registry's when it handed them down (`around.named`).
 */
export function resolveSchool(
  ctx: Pick<CommandContext, "schools" | "roster">,
  text: string,
  quote: QuoteTyped,
  named: readonly FoundString<string>[] = findNames(text, ctx.roster),
): { school: School; rest: string } {
  const mine = ctx.schools;
  if (mine.length === 0) throw new CodedError(ErrorCode.NotReporter, reportText.notAReporter);
  const mentions = findMentions(text, named, ctx.roster);
  const own = mentions.filter((m) => mine.includes(m.school));
  const ownSchools = [...new Set(own.map((m) => m.school))];
  if (ownSchools.length > 1) throw new CodedError(ErrorCode.Usage, reportText.twoSchools(ownSchools));
  if (ownSchools.length === 1) return { school: ownSchools[0]!, rest: without(text, own) };
  const other = mentions[0];
  if (other) throw new CodedError(ErrorCode.NotYourSchool, reportText.notYourSchool(other.school.name, mine));
  if (mine.length === 1) return { school: mine[0]!, rest: text };
  for (const word of splitWords(text)) {
    if (/\d/u.test(word)) continue;
    // Among his own schools only: the roster is never scanned for a message.
    const matches = ctx.roster.search(word, mine);
    if (matches.length > 1) throw new CodedError(ErrorCode.Usage, reportText.ambiguousSchool(quote(word), matches));
    const match = matches[0];
    if (match) {
      const at = text.indexOf(word);
      return { school: match, rest: without(text, [{ start: at, end: at + word.length }]) };
    }
  }
  throw new CodedError(ErrorCode.Usage, reportText.whichSchool(mine));
}
