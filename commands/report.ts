import { defineCommand } from "../src/bot/command.js";
import type { ReportKind } from "../src/config/kinds.js";
import { cardShapeOf, kindTapTopic } from "../src/features/check-in/kind-card.js";
import { answerKindTap, bareWordCard, type RecordWords } from "../src/features/check-in/kind-card-tap.js";
import { KIND_READERS, recordReading, type ReadMessage, type ReportContext } from "../src/features/check-in/kind-readers.js";
import { reportText } from "../src/features/check-in/report-text.js";
import type { Question } from "../src/features/check-in/read-report.js";

/**
 * The reporting command of a declared kind: its words, summary and examples from the declaration,
 * read by its reader; a kind reported by a role (`role`, reporterRoleOf) says so in help. A kind whose fields fit a card (kind-card.ts) answers its bare word with
 * that card and records its taps through the same reading and check-in as typed words.
 */
export function reportCommand(kind: ReportKind, role?: string) {
  const reader = KIND_READERS[kind.reader];
  const record = (args: ReadMessage | Question, ctx: ReportContext) => recordReading(ctx, args, kind);
  const recordWords: RecordWords = (input, ctx) => record(reader.read(input, ctx, kind), ctx);
  const carded = cardShapeOf(kind) !== undefined;
  return defineCommand({
    id: kind.id,
    task: kind.id,
    aliases: kind.words,
    ...(reader.firstWords && { firstWords: reader.firstWords }),
    ...(reader.lastResort && { lastResort: reader.lastResort }),
    roles: ["reporter"],
    services: ["config", "roster", "calendar", "store", "records"],
    summary: role === undefined ? kind.summary : `${kind.summary}${reportText.byRole(role)}`,
    examples: kind.examples,
    parse: (input, ctx) => reader.read(input, ctx, kind),
    run: record,
    ...(reader.tap && { tap: (tap, ctx: ReportContext) => reader.tap!(tap, ctx, kind) }),
    ...(carded && {
      card: (ctx: ReportContext, input) => bareWordCard(ctx, input, kind),
      tapTopic: kindTapTopic(kind),
      tap: (tap, ctx: ReportContext) => answerKindTap(tap, ctx, kind, recordWords),
    }),
  });
}
