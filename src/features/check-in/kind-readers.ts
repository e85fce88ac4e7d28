import type { CardTap, CommandContext, CommandInput } from "../../bot/command.js";
import type { BotCard } from "../../message/card.js";
import { wordsAround } from "../../bot/words.js";
import type { KindReaderName, ReportKind } from "../../config/kinds.js";
import { reporterName, type School } from "../../config/roster.js";
import { reporterRoleOf, reportersAt, schoolsReportedBy } from "../../config/scope.js";
import type { ReportValue } from "../../store/report.js";
import { type TaskPeriod, isAssigned } from "../../time/task-calendar.js";
import { readQuestion } from "./answer-question.js";
import { answerCardTap } from "./card-tap.js";
import { readReportPeriod, replyVoice } from "./check-in.js";
import { asksAboutReporting, readDrowning, readSafety, readStudy, readStudyTopic, type Question } from "./read-report.js";
import { resolveSchool } from "./resolve-school.js";
import { readFields } from "./read-fields.js";
import { toLocalDate } from "../../time/local-time.js";
import { CodedError, ErrorCode } from "../../errors.js";
import { reportText } from "./report-text.js";

/** The services a report of any kind reads and records with. */
export type ReportServices = "config" | "roster" | "calendar" | "store" | "records";
export type ReportContext = CommandContext<ReportServices>;

/** A report as read from a message: the school, an earlier period it names (a 补报), the value and the reply's notes. */
export interface ReadMessage {
  school: School;
  period?: TaskPeriod;
  value: ReportValue;
  notes: string[];
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
  read(input: CommandInput, ctx: ReportContext, kind: ReportKind): ReadMessage | Question;
  /** Answers a tap on the kind's check-in card. */
  tap?(tap: CardTap, ctx: ReportContext, kind: ReportKind): Promise<BotCard>;
}

/**
 * The school a report of the kind names (resolveSchool), refused before its words are read when
 * the kind's `schools` leave it out: its principal learns that his school does not report it.
 */
function resolveReporting(ctx: ReportContext, text: string, kind: ReportKind): { school: School; rest: string } {
  const found = resolveSchool(reportingAs(ctx, kind), text);
  const schools = ctx.config.tasks[kind.id]?.schools;
  if (schools && schools !== "all" && !isAssigned({ schools }, found.school)) {
    throw new CodedError(ErrorCode.Usage, reportText.notAssigned(found.school.name, kind.name));
  }
  return found;
}

/**
 * The sender as a reporter of the kind: a kind reported by a role (晨午检 by the 校医) is his
 * for the schools whose role column names him; anyone else of a school (its principal) is told
 * who reports it, and nothing is recorded. A leader's 代报 names its school itself.
 */
export function reportingAs(ctx: ReportContext, kind: ReportKind): ReportContext {
  const role = reporterRoleOf(ctx.config, kind.id);
  if (role === undefined || ctx.onBehalf) return ctx;
  const schools = schoolsReportedBy(ctx.roster, ctx.sender.userid, role);
  if (schools.length > 0) return { ...ctx, schools };
  const own = ctx.schools.map((school) => ({ school, people: reportersAt(school, role).map((userid) => reporterName(school, userid) ?? userid) }));
  throw new CodedError(ErrorCode.NotReporter, reportText.reportedByRole(kind.name, role, own));
}

export const KIND_READERS: Readonly<Record<KindReaderName, KindReader>> = {
  safety: {
    // 安全 alone is 平安; inside a message it is everyday (安全教育已完成).
    firstWords: ["安全"],
    // 正常, 今天正常上课: 平安 unless another command is named (体温正常，学习 50/52).
    lastResort: ["正常"],
    read(input, ctx, kind) {
      if (asksAboutReporting(input.before, input.folded)) return readQuestion(ctx, input.around.folded, kind.words[0]!);
      const text = input.around;
      const { school, rest } = resolveReporting(ctx, text.folded, kind);
      const { period, words } = readReportPeriod(ctx, kind.id, rest);
      const remarkChars = ctx.config.limits.description_chars;
      const read = readSafety({ before: input.before, words, school, voice: replyVoice(ctx, school), typed: text.original, remarkChars });
      return { school, ...(period && { period }), ...read };
    },
    // 今日平安 on the check-in card (reminders, 帮助, 状态) is this kind in one tap.
    tap: answerCardTap,
  },
  drowning: {
    read(input, ctx, kind) {
      if (asksAboutReporting(input.before, input.folded)) return readQuestion(ctx, input.around.folded, `${kind.words[0]!} 已提醒人数/应提醒人数`);
      const { school, rest } = resolveReporting(ctx, input.around.folded, kind);
      const { period, words } = readReportPeriod(ctx, kind.id, rest);
      return { school, ...(period && { period }), ...readDrowning({ words, school, voice: replyVoice(ctx, school) }) };
    },
  },
  study: {
    read(input, ctx, kind) {
      // The topic is free text: a question in it (主题：如何做好防溺水？) is no question to us.
      const { topic, words } = readStudyTopic(input);
      const text = wordsAround({ before: input.before, folded: words });
      if (asksAboutReporting(input.before, words)) return readQuestion(ctx, text, `${kind.words[0]!} 实到/应到`);
      const { school, rest } = resolveReporting(ctx, text, kind);
      const { period, words: figures } = readReportPeriod(ctx, kind.id, rest);
      return { school, ...(period && { period }), ...readStudy({ words: figures, ...(topic && { topic }), school, voice: replyVoice(ctx, school) }) };
    },
  },
  // Any other declared kind: its fields by their labels (read-fields.ts).
  fields: {
    read(input, ctx, kind) {
      if (asksAboutReporting(input.before, input.folded)) return readQuestion(ctx, input.around.folded, kind.words[0]!);
      const text = input.around;
      const { school, rest } = resolveReporting(ctx, text.folded, kind);
      // A kind with a date field reads a date as that field, never as a 补报's day.
      const dated = Object.values(kind.fields).some((field) => field.type === "date");
      const { period, words } = dated ? { period: undefined, words: rest } : readReportPeriod(ctx, kind.id, rest);
      const today = toLocalDate(ctx.now, ctx.config.timezone);
      return { school, ...(period && { period }), ...readFields({ words, typed: text.original, kind, school, today }) };
    },
  },
};
