import type { School } from "../config/roster.js";
import type { TaskId } from "../config/schema.js";
import { EXAMPLE_SCHOOL, type CommandSpec, type Role } from "./command.js";
import { isAllowed } from "./registry.js";
import { shownShortNameOf } from "../config/school.js";
import type { LocalDate } from "../time/local-time.js";

/** Whom examples are shown to, and when: a sender with the schools he reports for, or a leader entering a report for a school (代报). */
export type ExampleAudience = ({ schools: readonly School[] } | { onBehalfOf: School }) & { today: LocalDate };

/**
 * A command's examples as this sender must write them today. A reporter sees his own school
 * where the example names one (城关一小), and a reporter of several schools sees one of his
 * named in every example, after the keyword (平安 枫林小学 在校1200); a report entered for a
 * school shows the 代报 form (代报 县一中 异常 …).
 */
export function formatExamples(spec: CommandSpec, audience: ExampleAudience): string[] {
  // A report's figures as they fit the school it is for (岭头小学 is not shown 在校1200), its dates as they fit today.
  const { today } = audience;
  const fit = (example: string, school?: School) => spec.fitExample?.(example, { ...(school && { school }), today }) ?? example;
  if ("onBehalfOf" in audience) {
    const school = shownShortNameOf(audience.onBehalfOf);
    return spec.examples.map((example) => `代报 ${school} ${fit(example, audience.onBehalfOf).split(" ").filter((word) => word !== EXAMPLE_SCHOOL).join(" ")}`);
  }
  const { schools } = audience;
  const forReporters = spec.roles !== "anyone" && spec.roles.includes("reporter");
  if (!forReporters || schools.length === 0) return spec.examples.map((example) => fit(example));
  const examples = spec.examples.map((written, i) => {
    const own = schools[i % schools.length]!;
    const example = fit(written, own);
    const school = shownShortNameOf(own);
    if (example.includes(EXAMPLE_SCHOOL)) return example.replace(EXAMPLE_SCHOOL, school);
    if (schools.length === 1) return example;
    const keyword = example.split(" ")[0]!;
    return `${keyword} ${school}${example.slice(keyword.length)}`;
  });
  // 平安 and 平安 城关一小 both become 平安 枫林小学 for a reporter of 枫林小学.
  return [...new Set(examples)];
}

/**
 * What a reporter whose words name no command is pointed to: the first example of each kind he
 * may report that is enabled (three at most, 平安 first), as he must write it today, and 帮助.
 */
export function formatHints(specs: readonly CommandSpec[], enabled: readonly TaskId[], audience: { schools: readonly School[]; today: LocalDate }): string[] {
  const kinds = specs.filter((spec) => spec.task !== undefined && enabled.includes(spec.task) && spec.roles !== "anyone" && spec.roles.includes("reporter"));
  const firstOfEach = kinds.filter((spec, i) => kinds.findIndex((other) => other.task === spec.task) === i).slice(0, 3);
  return [...firstOfEach.flatMap((spec) => formatExamples(spec, audience).slice(0, 1)), "帮助"];
}

/** Help for a sender, built from the specs so it always agrees with the parsers. */
export function formatHelp(specs: readonly CommandSpec[], roles: ReadonlySet<Role>, botName: string, audience: { schools: readonly School[]; today: LocalDate }): string {
  const lines = [`**${botName}用法**（在群里先 @${botName}，私聊可直接发送）`];
  for (const spec of specs) {
    if (!isAllowed(spec, roles)) continue;
    const [keyword, ...others] = spec.aliases;
    const also = others.length > 0 ? `（也可写：${others.slice(0, 4).join("、")}）` : "";
    lines.push("", `**${keyword}**${also}：${spec.summary}`);
    for (const example of formatExamples(spec, audience)) lines.push(`> @${botName} ${example}`);
  }
  lines.push("", "全角数字、繁体字都可以识别；词之间用空格或逗号隔开即可。");
  return lines.join("\n");
}
