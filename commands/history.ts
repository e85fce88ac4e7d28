import { defineCommand } from "../src/bot/command.js";
import { CodedError, ErrorCode } from "../src/errors.js";
import { formatHistory } from "../src/features/leaders/format-history.js";
import { readWord, wordsAround } from "../src/text/words.js";
import { findSchool } from "../src/features/leaders/find-school.js";
import type { School } from "../src/config/roster.js";
import { leaderText } from "../src/features/leaders/leader-text.js";
import { recentPeriods } from "../src/features/leaders/recent-periods.js";
import { toLocalDate } from "../src/time/local-time.js";
import { listIncidentSteps } from "../src/features/incidents/list-incident-steps.js";

/** Entries shown; the audit log keeps every one (see recentPeriods for how far back 历史 reads). */
const SHOWN = 30;

export default defineCommand({
  id: "history",
  aliases: ["历史", "历史记录"],
  roles: ["leader", "admin"],
  services: ["config", "roster", "calendar", "store", "exemptions", "incidents"],
  summary: "查看某校最近的上报和每一次变更（更正、撤销、代报、免报），谁在何时操作",
  examples: ["历史 城关一小", "历史 XB004"],
  parse(input, ctx): { school: School } {
    // 城关一小历史 names the school before the keyword.
    const text = wordsAround(input);
    const word = readWord(text, 0);
    if (!word) throw new CodedError(ErrorCode.Usage, leaderText.historyWhich);
    // A school name may contain no separator, but a leader may type it with spaces around.
    return { school: ctx.roster.find(text.trim()) ?? findSchool(ctx.roster, word.word) };
  },
  async run({ school }, ctx) {
    const since = new Date(ctx.now.getTime() - ctx.config.limits.history_days * 24 * 3600_000);
    const [reports, exemptions, incidents] = await Promise.all([
      ctx.store.history(school.code, recentPeriods(ctx.calendar, toLocalDate(ctx.now, ctx.config.timezone)), SHOWN),
      ctx.exemptions.history(school.code, SHOWN),
      listIncidentSteps(ctx.incidents, school, since, ctx.config),
    ]);
    return formatHistory({ school, reports, exemptions, config: ctx.config, node: ctx.roster.node, limit: SHOWN, more: incidents });
  },
});
