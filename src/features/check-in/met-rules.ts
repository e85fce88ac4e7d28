import type { RuleDeclaration } from "../../config/kind-schema.js";
import type { ReportKind } from "../../config/kinds.js";
import { fieldOf, type ReportValue } from "../../store/report.js";

/**
 * The declared rules a report meets: a field equal to the rule's value (a status `abnormal`, a
 * yes/no `false`, a choice among those chosen), or a count at least its figure (for named
 * counts, any one of them: 发热 3).
 */
export function metRules(kind: Pick<ReportKind, "rules">, value: ReportValue): RuleDeclaration[] {
  return kind.rules.filter((rule) => {
    const v = fieldOf(value, rule.field);
    if (rule.equals !== undefined) return Array.isArray(v) ? v.includes(rule.equals) : v === rule.equals;
    const least = rule.at_least!;
    if (typeof v === "number") return v >= least;
    return typeof v === "object" && !Array.isArray(v) && Object.values(v as Record<string, number>).some((n) => n >= least);
  });
}
