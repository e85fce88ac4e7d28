import type { CommandContext } from "../../bot/command.js";
import type { School } from "../../config/roster.js";
import { ErrorCode, hasCode } from "../../errors.js";
import { replyVoice } from "./check-in.js";
import type { Question } from "./read-report.js";
import { reportText } from "./report-text.js";
import { resolveSchool } from "./resolve-school.js";
import { describeStatus } from "./school-status.js";

/**
 * The question a reporting command's message asks: about the school it names, or about all
 * of the sender's schools when he has several and names none. `command` is the keyword and
 * what follows it (`撤销 平安`).
 */
export function readQuestion(ctx: Pick<CommandContext, "schools" | "roster" | "onBehalf">, text: string, command: string): Question {
  let asked: readonly School[];
  try {
    asked = [resolveSchool(ctx, text).school];
  } catch (error) {
    // 平安了吗 from a reporter of two schools: both are answered.
    if (!hasCode(error, ErrorCode.Usage) || ctx.schools.length < 2) throw error;
    asked = ctx.schools;
  }
  return { asked, command: replyVoice(ctx, asked[0]!).form(command) };
}

/** The answer to a question: nothing recorded, the schools' status, and what to send to report. */
export async function answerQuestion(ctx: CommandContext<"config" | "store" | "calendar">, question: Question): Promise<string> {
  return [reportText.questionHeard, await describeStatus(ctx, question.asked), reportText.questionHint(question.command)].join("\n");
}
