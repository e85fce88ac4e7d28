import { defineCommand } from "../src/bot/command.js";
import { UsageError } from "../src/errors.js";
import { createArgScanner } from "../src/bot/words.js";
import { checkIn } from "../src/features/check-in/check-in.js";
import { resolveSchool } from "../src/features/check-in/resolve-school.js";
import { reportText } from "../src/features/check-in/report-text.js";

/** How parents were reached, as SPEC.md lists them, with the words principals use for each. */
const CHANNELS: [string, RegExp][] = [
  ["电话", /电话|打电话/u],
  ["短信", /短信/u],
  ["家访", /家访/u],
  ["告家长书", /告家长书|家长信|致家长/u],
  ["家长会", /家长会/u],
  ["微信", /微信|家长群|班级群/u],
];

/** A parents' total more than this many times the pupils is taken for a typo. */
const MAX_PARENTS_PER_PUPIL = 2;

export default defineCommand({
  id: "drowning",
  task: "drowning",
  aliases: ["防溺水", "防溺水提醒", "溺水"],
  roles: ["reporter"],
  summary: "报防溺水家长提醒：已提醒人数/应提醒人数，可附方式（电话 短信 家访 告家长书 家长会 微信）",
  examples: ["防溺水 1180/1200 电话", "防溺水 已提醒1180 共1200", "防溺水 完成"],
  parse({ folded }, ctx) {
    const args = createArgScanner(folded);
    const pair = args.take(/(\d+)\s*\/\s*(\d+)/u);
    // The total first: 应提醒1200 must not be read as 提醒1200.
    let total = pair ? Number(pair[2]) : args.number(/(?:应提醒|应通知|共|总数)\s*(\d+)\s*人?/u);
    let reached = pair ? Number(pair[1]) : args.number(/(?:已提醒|已通知|提醒|通知)\s*(\d+)\s*人?/u);
    const done = args.take(/全部完成|已完成|完成|全部/u) !== undefined;
    reached ??= args.number(/(?:^|\s)(\d+)(?:\s|$)/u);
    const channels = CHANNELS.filter(([, pattern]) => args.take(pattern)).map(([name]) => name);
    const { school, rest } = resolveSchool(ctx, args.words());
    const unknown = rest.find((w) => /\d/.test(w));
    if (unknown) throw new UsageError(reportText.unknownWord(unknown));
    total ??= school.pupils;
    if (done) reached ??= total;
    if (reached === undefined) throw new UsageError(reportText.drowningNumbers);
    if (total <= 0) throw new UsageError(reportText.totalZero);
    if (reached > total) throw new UsageError(reportText.reachedOverTotal(reached, total));
    if (total > school.pupils * MAX_PARENTS_PER_PUPIL) throw new UsageError(reportText.totalOutOfRange(total, school));
    return { school, reached, total, channels };
  },
  async run({ school, ...numbers }, ctx) {
    return checkIn(ctx, school, { task: "drowning", ...numbers });
  },
});
