import type { CommandContext } from "../../bot/command.js";
import type { Question } from "./read-report.js";
import { reportText } from "./report-text.js";
import { describeStatus } from "./school-status.js";

/** The answer to a question: nothing recorded, the schools' status, and what to send to report. */
export async function answerQuestion(ctx: CommandContext<"config" | "store" | "calendar" | "exemptions">, question: Question): Promise<string> {
  return [reportText.questionHeard, await describeStatus(ctx, question.asked), reportText.questionHint(question.command)].join("\n");
}
