import { defineCommand } from "../src/bot/command.js";
import { UsageError } from "../src/errors.js";
import { recordReport } from "../src/features/check-in/record-report.js";
import { resolveSchool } from "../src/features/check-in/resolve-school.js";
import { reportText } from "../src/features/check-in/report-text.js";

export default defineCommand({
  id: "abnormal",
  task: "safety",
  aliases: ["异常", "有异常"],
  roles: ["reporter"],
  summary: "报告异常情况（会立即通知局领导），写明发生了什么",
  examples: ["异常 一名学生课间摔伤，已送医，无生命危险", "异常 城关一小 校门口积水，已安排人员值守"],
  parse({ folded, original }, ctx) {
    // Only a first word may name the school, so a description that mentions a school stays whole.
    const first = folded.split(/[\s,:;/、]+/u, 1)[0] ?? "";
    const names = ctx.roster.find(first) ? [first] : [];
    const { school } = resolveSchool(ctx, names);
    const description = original(names.length > 0 ? first.length : 0).replace(/^[\s,:;/、，：；／]+/u, "");
    if (description.length < 2) throw new UsageError(reportText.missingDescription);
    return { school, description };
  },
  async run({ school, description }, ctx) {
    const value = { task: "safety" as const, status: "abnormal" as const, description };
    const { reply } = await recordReport(ctx, school, value);
    return `${reply}\n${reportText.abnormalNote}`;
  },
});
