import { kindOf, type ReportKind } from "../../config/kinds.js";
import type { Config, TaskId } from "../../config/schema.js";
import { leaderText } from "./leader-text.js";

/** A kind's count fields as its sums line shows them, in declared order; the fields a total names are shown beside it, not alone. */
interface SumsPlan {
  fields: readonly [string, ReportKind["fields"][string]][];
  totals: ReadonlySet<string>;
}

// 汇总 formats a kind's sums for each of its 片区 (40 a kind, seven kinds): its fields are read once per kind (the config is frozen).
const plans = new WeakMap<ReportKind, SumsPlan>();
function planOf(kind: ReportKind): SumsPlan {
  let plan = plans.get(kind);
  if (!plan) {
    const fields = Object.entries(kind.fields);
    plans.set(kind, (plan = { fields, totals: new Set(fields.flatMap(([, field]) => (field.type === "count" && field.total ? [field.total] : []))) }));
  }
  return plan;
}

/**
 * A declared kind's sums (TaskTally.sums) as the parts of one line, its fields in declared order:
 * a count beside its total (实到 1185/1200), a count alone (因病缺勤 6), named counts by name
 * (症状 发热 2、咳嗽 3, those not 0). A count alone that adds up to 0 in `whole` (the summary's
 * total; a row's own by default) is left out: the counts keep no zeros, so 0 is also what nobody
 * gave (参会 0 after the one report that had it was replaced by one without); a row shows it
 * beside the others when the total has it. Empty for a kind without count fields (or a reader's own).
 */
export function formatSums(
  config: Pick<Config, "tasks">,
  task: TaskId,
  sums: Readonly<Record<string, number>> | undefined,
  whole: Readonly<Record<string, number>> | undefined = sums,
): string[] {
  const kind = kindOf(config, task);
  if (!kind || kind.reader !== "fields") return [];
  const { fields, totals } = planOf(kind);
  const sumOf = (name: string) => sums?.[name] ?? 0;
  return fields.flatMap(([id, field]): string[] => {
    if (field.type === "count" && field.total) return [leaderText.sumOfTotal(field.label, sumOf(id), sumOf(field.total))];
    if (field.type === "count") return totals.has(id) || !whole?.[id] ? [] : [leaderText.sum(field.label, sumOf(id))];
    if (field.type !== "counts") return [];
    const named = (field.names ?? []).filter((name) => sumOf(`${id}.${name}`) !== 0).map((name) => leaderText.sum(name, sumOf(`${id}.${name}`)));
    return named.length > 0 ? [leaderText.namedSums(field.label, named)] : [];
  });
}
