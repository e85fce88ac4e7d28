import { defineCommand } from "../src/bot/command.js";
import type { ReportKind } from "../src/config/kinds.js";
import { cardShapeOf, kindTapTopic } from "../src/features/check-in/kind-card.js";
import { answerKindTap, bareWordCard, type RecordWords } from "../src/features/check-in/kind-card-tap.js";
import { boundReader, type ReportContext } from "../src/features/check-in/kind-readers.js";
import type { KindsApart } from "../src/features/check-in/read-report.js";
import { reportText } from "../src/features/check-in/report-text.js";
import { fitExample } from "../src/features/check-in/fit-example.js";

/**
 * The reporting command of a declared kind: its words, summary and examples from the declaration,
 * read by its reader; a kind reported by a role (`role`, reporterRoleOf) says so in help. A kind whose fields fit a card (kind-card.ts) answers its bare word with
 * that card and records its taps through the same reading and check-in as typed words.
 */
export function reportCommand(kind: ReportKind, role: string | undefined, apart: KindsApart) {
  // The reader's own functions: a message goes from the dispatcher straight into the reader.
  const { firstWords, lastResort, read, run, tap: readerTap } = boundReader(kind, role, apart);
  const recordWords: RecordWords = (input, ctx) => run(read(input, ctx), ctx);
  const carded = cardShapeOf(kind) !== undefined;
  return defineCommand({
    id: kind.id,
    task: kind.id,
    aliases: kind.words,
    ...(firstWords && { firstWords }),
    ...(lastResort && { lastResort }),
    roles: ["reporter"],
    services: ["config", "roster", "calendar", "moments", "store", "records", "exemptions"],
    summary: role === undefined ? kind.summary : `${kind.summary}${reportText.byRole(role)}`,
    examples: kind.examples,
    fitExample: (example, fit) => fitExample(kind, example, fit),
    parse: read,
    run,
    ...(readerTap && { tap: readerTap }),
    ...(carded && {
      card: (ctx: ReportContext, input) => bareWordCard(ctx, input, kind),
      tapTopic: kindTapTopic(kind),
      tap: (tap, ctx: ReportContext) => answerKindTap(tap, ctx, kind, recordWords),
    }),
  });
}
