import { defineCommand } from "../src/bot/command.js";
import { CodedError, ErrorCode } from "../src/errors.js";
import { formatHistory } from "../src/features/leaders/format-history.js";
import { parseTaskWord, splitWords, wordsAround } from "../src/text/words.js";
import { taskWordsOf } from "../src/config/kinds.js";
import type { TaskId } from "../src/config/schema.js";
import { parseTaskList } from "../src/features/leaders/parse-task-list.js";
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
  examples: ["历史 城关一小", "历史 XB004", "历史 城关一小 学习"],
  parse(input, ctx): { school: School; tasks?: TaskId[] } {
    // 城关一小历史 names the school before the keyword.
    const text = wordsAround(input);
    // A school name may contain no separator, but a leader may type it with spaces around.
    const whole = ctx.roster.find(text.trim());
    if (whole) return { school: whole };
    // The first word that names no task is the school; every other word must name a task (历史 城关一小 晨检).
    const words = splitWords(text);
    const at = words.findIndex((word) => parseTaskWord(taskWordsOf(ctx.config), word) === undefined);
    if (at < 0) throw new CodedError(ErrorCode.Usage, leaderText.historyWhich);
    const quote = input.around.quote;
    const school = findSchool(ctx.roster, words[at]!, quote(words[at]!));
    const { tasks } = parseTaskList(words.filter((_, i) => i !== at).join(" "), ctx, { quote });
    return { school, ...(tasks && { tasks }) };
  },
  async run({ school, tasks }, ctx) {
    const since = new Date(ctx.now.getTime() - ctx.config.limits.history_days * 24 * 3600_000);
    const asked = (task: TaskId) => tasks === undefined || tasks.includes(task);
    const periods = recentPeriods(ctx.calendar, toLocalDate(ctx.now, ctx.config.timezone)).filter(({ task }) => asked(task));
    const [reports, exemptions, incidents] = await Promise.all([
      ctx.store.history(school.code, periods, SHOWN),
      ctx.exemptions.history(school.code, SHOWN),
      listIncidentSteps(ctx.incidents, school, since, ctx.config, asked),
    ]);
    return formatHistory({ school, reports, exemptions: exemptions.filter(({ task }) => asked(task)), config: ctx.config, node: ctx.roster.node, limit: SHOWN, more: incidents });
  },
});
