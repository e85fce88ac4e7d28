import { defineCommand } from "../src/bot/command.js";
import type { ReportKind } from "../src/config/kinds.js";
import { answerQuestion } from "../src/features/check-in/answer-question.js";
import { checkIn } from "../src/features/check-in/check-in.js";
import { KIND_READERS } from "../src/features/check-in/kind-readers.js";
import { isQuestion } from "../src/features/check-in/read-report.js";

/** The reporting command of a declared kind: its words, summary and examples from the declaration, read by its reader. */
export function reportCommand(kind: ReportKind) {
  const reader = KIND_READERS[kind.reader];
  return defineCommand({
    id: kind.id,
    task: kind.id,
    aliases: kind.words,
    ...(reader.firstWords && { firstWords: reader.firstWords }),
    ...(reader.lastResort && { lastResort: reader.lastResort }),
    roles: ["reporter"],
    services: ["config", "roster", "calendar", "store", "records"],
    summary: kind.summary,
    examples: kind.examples,
    parse: (input, ctx) => reader.read(input, ctx, kind),
    async run(args, ctx) {
      if (isQuestion(args)) return answerQuestion(ctx, args);
      return checkIn(ctx, args.school, args.value, args.notes, { ...(args.period && { period: args.period }), task: kind.id });
    },
    ...(reader.tap && { tap: reader.tap }),
  });
}
