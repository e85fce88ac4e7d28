import type { FieldDeclaration } from "../../config/kind-schema.js";
import { escapeUserText, shortenUserText } from "../../text/user-text.js";
import { fieldOf, type ReportValue } from "../../store/report.js";
import { formatDate, yearIfOther, type LocalDate } from "../../time/local-time.js";

/** The replies of the generic reader (read-fields.ts) and the line that echoes a declared kind's report. */
export const fieldsText = {
  missing: (label: string, example: string | undefined) => `请写明${label}${example ? `，例如“${escapeUserText(example)}”` : ""}。`,
  notWhole: (label: string, typed: string) => `${label}要写整数（“${escapeUserText(typed)}”）。`,
  negative: (label: string, typed: string) => `${label}不能是负数（“${escapeUserText(typed)}”）。`,
  tooLarge: (label: string, typed: string, max: number) => `${label}写的“${escapeUserText(typed)}”太大了，一所学校不会超过 ${max / 10_000} 万，请核对。`,
  twoValues: (label: string, values: readonly number[]) => `${label}写了 ${values.join(" 和 ")} 两个数，是哪一个？请只写一个。`,
  noAbnormal: (kindName: string) => `${kindName}没有“异常”这一项，本条没有登记。有异常请另发一条“异常 具体情况”，局领导会立即收到；${kindName}请照常上报。`,
  figureNotRead: (word: string, figure: string, kindName: string, names: readonly string[]) =>
    `“${escapeUserText(word)}”里的 ${figure} 不知道该登记到哪一项，本条没有登记。` +
    (names.length > 0 ? `${kindName}的数字写在这些名称后面：${names.join("、")}。` : `${kindName}没有要填的数字。`),
  yesAndNo: (label: string) => `${label}既写了“是”又写了“否”（如“已${label}”和“未${label}”），请只写一个。`,
  overMax: (label: string, value: number, max: number) => `${label} ${value} 超过了上限 ${max}，请核对。`,
  overTotal: (label: string, value: number, totalLabel: string, total: number) => `${label} ${value} 不能超过${totalLabel} ${total}。`,
  wholeZero: (label: string) => `${label}人数必须大于 0。`,
  oneChoice: (label: string, chosen: readonly string[]) => `${label}只能选一项，您写了${chosen.join("、")}，请只写其中一个。`,
  notRecorded: (typed: readonly string[], kindName: string, labels: readonly string[]) =>
    `📌 “${typed.map(escapeUserText).join("”“")}”没有登记：${kindName}登记的是${labels.join("、")}。`,
  /** A date field that takes days come only (`past`), given one to come. */
  dateAhead: (label: string, typed: string, day: LocalDate, today: LocalDate) =>
    `${label}“${escapeUserText(typed)}”是${yearIfOther(day, today, formatDate(day))}，还没到，本条没有登记。${label}请写今天或以前的日期。`,
  textTooLong: (label: string, chars: number, limit: number) => `${label}写了 ${chars} 个字，超过了 ${limit} 字的上限，没有登记。请只写要点。`,

  /**
   * One line saying what a declared kind's report records, field by field in the declaration's
   * order (a count beside its total); typed text as typed, cut to `chars` when given; a date with
   * its year when that is not the year of `madeOn`, the day the report was made (例会 日期
   * 2025-01-01 sent in 2027 read 1月1日（周三）).
   */
  describe(value: ReportValue, fields: Readonly<Record<string, FieldDeclaration>>, { chars, madeOn }: { chars?: number | undefined; madeOn?: LocalDate | undefined } = {}): string {
    const typed = (text: string) => (chars === undefined ? escapeUserText(text) : shortenUserText(text, chars));
    const totals = new Set(Object.values(fields).flatMap((field) => (field.total === undefined ? [] : [field.total])));
    const parts: string[] = [];
    for (const [id, field] of Object.entries(fields)) {
      const v = fieldOf(value, id);
      if (v === undefined || totals.has(id)) continue;
      switch (field.type) {
        case "status":
          parts.push(v === "abnormal" ? "异常" : "无异常");
          break;
        case "count": {
          const total = field.total === undefined ? undefined : fieldOf(value, field.total);
          parts.push(typeof total === "number" ? `${field.label} ${String(v)} / ${fields[field.total!]!.label} ${total}` : `${field.label} ${String(v)}`);
          break;
        }
        case "counts": {
          const named = Object.entries(v as Record<string, number>).filter(([, n]) => n > 0);
          parts.push(`${field.label}：${named.length > 0 ? named.map(([name, n]) => `${name} ${n}`).join("、") : "无"}`);
          break;
        }
        case "yesno":
          parts.push(`${field.label}：${v === true ? "是" : "否"}`);
          break;
        case "choice":
          parts.push(`${field.label}：${(Array.isArray(v) ? v : [String(v)]).join("、")}`);
          break;
        case "text":
          parts.push(`${field.label}：${typed(String(v))}`);
          break;
        case "date":
          parts.push(`${field.label}：${madeOn ? yearIfOther(String(v), madeOn, formatDate(String(v))) : formatDate(String(v))}`);
          break;
      }
    }
    return parts.join("，");
  },
};
