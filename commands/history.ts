import { defineCommand } from "../src/bot/command.js";
import { UsageError } from "../src/errors.js";
import { formatHistory } from "../src/features/leaders/format-history.js";
import { readWord } from "../src/bot/words.js";
import type { School } from "../src/config/roster.js";
import { leaderText } from "../src/features/leaders/leader-text.js";

/** Entries shown; the stores keep more. */
const SHOWN = 30;

export default defineCommand({
  id: "history",
  aliases: ["历史", "历史记录"],
  roles: ["leader", "admin"],
  summary: "查看某校最近的上报和每一次变更（更正、撤销、代报、免报），谁在何时操作",
  examples: ["历史 城关一小", "历史 XB004"],
  parse({ folded }, ctx): { school: School } {
    const word = readWord(folded, 0);
    if (!word) throw new UsageError(leaderText.historyWhich);
    // A school name may contain no separator, but a leader may type it with spaces around.
    const school = ctx.roster.find(folded.trim()) ?? ctx.roster.find(word.word);
    if (!school) throw new UsageError(leaderText.unknownSchool(word.word));
    return { school };
  },
  async run({ school }, ctx) {
    const [reports, exemptions] = await Promise.all([
      ctx.store.history(school.code, SHOWN),
      ctx.exemptions.history(school.code, SHOWN),
    ]);
    return formatHistory({ school, reports, exemptions, config: ctx.config, limit: SHOWN });
  },
});
