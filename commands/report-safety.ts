import { defineCommand } from "../src/bot/command.js";
import { UsageError } from "../src/errors.js";
import { createArgScanner } from "../src/bot/words.js";
import { checkIn } from "../src/features/check-in/check-in.js";
import { resolveSchool } from "../src/features/check-in/resolve-school.js";
import { reportText } from "../src/features/check-in/report-text.js";

/**
 * Principals add words such as 今日全校师生平安; those are fine. Words that hint at an incident
 * must not be filed as "no incident": they are refused with a pointer to 异常.
 */
const INCIDENT_HINT = /(?<!无)异常|受伤|摔伤|送医|住院|事故|溺|失踪|走失|死亡|打架|火灾|中毒/u;

export default defineCommand({
  id: "safety",
  task: "safety",
  aliases: ["平安", "报平安", "零报告", "安全零报告", "平安日报", "安全"],
  roles: ["reporter"],
  summary: "报今日平安（无异常），可附在校学生数",
  examples: ["平安", "平安 在校1200", "平安 城关一小"],
  parse({ folded }, ctx) {
    const args = createArgScanner(folded);
    const present = args.number(/(?:在校|实到|到校)\s*(\d+)\s*人?/u);
    const { school, rest } = resolveSchool(ctx, args.words());
    const unknown = rest.find((w) => /\d/.test(w));
    if (unknown) throw new UsageError(reportText.unknownWord(unknown));
    const incident = rest.find((w) => INCIDENT_HINT.test(w));
    if (incident) throw new UsageError(reportText.incidentInSafety(incident));
    if (present !== undefined && present > school.pupils) throw new UsageError(reportText.presentTooMany(present, school));
    return { school, present };
  },
  async run({ school, present }, ctx) {
    const value = { task: "safety" as const, status: "normal" as const, ...(present !== undefined && { present }) };
    return checkIn(ctx, school, value);
  },
});
