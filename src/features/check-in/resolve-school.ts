import type { CommandContext } from "../../bot/command.js";
import { ErrorCode, UsageError, UserError } from "../../errors.js";
import type { School } from "../../config/roster.js";
import { reportText } from "./report-text.js";

/**
 * The school a reporter's message is for. A reporter bound to one school needs not name it; one
 * bound to several names it among `words`. A named school that is not the sender's is refused.
 * Returns the school and the words that were not the school's name.
 */
export function resolveSchool(ctx: CommandContext, words: readonly string[]): { school: School; rest: string[] } {
  const mine = ctx.schools;
  if (mine.length === 0) throw new UserError(ErrorCode.NotReporter, reportText.notAReporter);
  const index = words.findIndex((w) => ctx.roster.find(w) !== undefined);
  if (index >= 0) {
    const named = ctx.roster.find(words[index]!)!;
    if (!mine.some((s) => s.code === named.code)) {
      throw new UserError(ErrorCode.NotYourSchool, reportText.notYourSchool(named.name, mine));
    }
    return { school: named, rest: words.filter((_, i) => i !== index) };
  }
  if (mine.length > 1) throw new UsageError(reportText.whichSchool(mine));
  return { school: mine[0]!, rest: [...words] };
}
