import { defineCommand } from "../src/bot/command.js";
import { UsageError } from "../src/errors.js";
import { createArgScanner } from "../src/bot/words.js";
import { checkIn } from "../src/features/check-in/check-in.js";
import { resolveSchool } from "../src/features/check-in/resolve-school.js";
import { reportText } from "../src/features/check-in/report-text.js";

/** An expected count more than this many times the roster's staff is taken for a typo. */
const MAX_STAFF_FACTOR = 2;

export default defineCommand({
  id: "study",
  task: "study",
  aliases: ["学习", "周学习", "政治学习"],
  roles: ["reporter"],
  summary: "报本周教职工政治学习：实到/应到，可附请假人数和主题",
  examples: ["学习 50/52", "学习 应到52 实到50 请假2 主题:学习党的二十届四中全会精神", "学习 实到50"],
  parse({ folded, original }, ctx) {
    // The topic is free text: take it as typed, from the word 主题 to the end.
    const topicAt = folded.search(/主题\s*:?/u);
    const topic = topicAt >= 0 ? original(topicAt).replace(/^主[题題]\s*[:：]?\s*/u, "") : undefined;
    const args = createArgScanner(topicAt >= 0 ? folded.slice(0, topicAt) : folded);
    const pair = args.take(/(\d+)\s*\/\s*(\d+)/u);
    let attended = pair ? Number(pair[1]) : args.number(/(?:实到|出席|参加)\s*(\d+)\s*人?/u);
    let expected = pair ? Number(pair[2]) : args.number(/(?:应到|应参加|共)\s*(\d+)\s*人?/u);
    const leave = args.number(/(?:请假|缺席)\s*(\d+)\s*人?/u);
    attended ??= args.number(/(?:^|\s)(\d+)(?:\s|$)/u);
    const { school, rest } = resolveSchool(ctx, args.words());
    const unknown = rest.find((w) => /\d/.test(w));
    if (unknown) throw new UsageError(reportText.unknownWord(unknown));
    expected ??= school.staff;
    if (attended === undefined) throw new UsageError(reportText.studyNumbers);
    if (expected <= 0) throw new UsageError(reportText.expectedZero);
    if (attended > expected) throw new UsageError(reportText.attendedOverExpected(attended, expected));
    if (leave !== undefined && attended + leave > expected) {
      throw new UsageError(reportText.leaveOverExpected(attended, leave, expected));
    }
    if (expected > Math.max(school.staff, 1) * MAX_STAFF_FACTOR) {
      throw new UsageError(reportText.expectedOutOfRange(expected, school));
    }
    return { school, attended, expected, ...(leave !== undefined && { leave }), ...(topic && { topic }) };
  },
  async run({ school, ...numbers }, ctx) {
    return checkIn(ctx, school, { task: "study", ...numbers });
  },
});
