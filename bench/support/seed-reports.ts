import type { TaskPeriod } from "../../src/time/task-calendar.js";
import type { ReportStore } from "../../src/store/reports.js";
import type { FieldValue, Report, ReportValue } from "../../src/store/report.js";
import type { ReportKind } from "../../src/config/kinds.js";
import type { School } from "../../src/config/roster.js";

/** How a seeded period's schools behave; shares of the roster, chosen deterministically. */
export interface SeedMix {
  missing?: number;
  late?: number;
  abnormal?: number;
  onBehalf?: number;
}

/** A fixed pseudo-random number in [0, 1) for a school and a period: the same data every run. */
function hash01(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i += 1) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return ((h >>> 0) % 1_000_000) / 1_000_000;
}

/** A declared kind's report (the generic reader's value): each field given, a count at a few, the status normal or `abnormal`. */
function fieldsValueFor(period: TaskPeriod, school: School, abnormal: boolean, kind: ReportKind): { value: ReportValue; raw: string } {
  const value: Record<string, FieldValue> = {};
  for (const [id, field] of Object.entries(kind.fields)) {
    if (field.type === "status") value[id] = abnormal ? "abnormal" : "normal";
    else if (field.type === "count") value[id] = field.roster ? school.pupils : 3 + (school.pupils % 7);
    else if (field.type === "counts") value[id] = Object.fromEntries((field.names ?? []).slice(0, 2).map((name, i) => [name, 1 + ((school.pupils + i) % 3)]));
    else if (field.type === "yesno") value[id] = true;
    else if (field.type === "choice") value[id] = [field.options![0]!];
    else if (field.type === "date") value[id] = period.start;
    else value[id] = id === "description" && abnormal ? "校门口积水，已安排值守" : "王校长";
  }
  return { value: { task: "fields", ...value }, raw: kind.examples[0]! };
}

function valueFor(period: TaskPeriod, school: School, abnormal: boolean, kind?: ReportKind): { value: ReportValue; raw: string } {
  if (kind?.reader === "fields") return fieldsValueFor(period, school, abnormal, kind);
  switch (period.task) {
    case "safety":
      return abnormal
        ? { value: { task: "safety", status: "abnormal", description: "一名学生课间摔伤手臂，已送医检查，家长已到场" }, raw: "异常 一名学生课间摔伤手臂，已送医检查，家长已到场" }
        : { value: { task: "safety", status: "normal", present: school.pupils - 12 }, raw: `平安 在校${school.pupils - 12}` };
    case "drowning":
      return { value: { task: "drowning", reached: school.pupils - 5, total: school.pupils, channels: ["家长群"] }, raw: `防溺水 ${school.pupils - 5}/${school.pupils} 家长群` };
    case "study":
      return { value: { task: "study", attended: school.staff - 1, expected: school.staff, topic: "师德师风" }, raw: `学习 ${school.staff - 1}/${school.staff} 师德师风` };
    default:
      throw new Error(`no seed report for task ${period.task}`);
  }
}

/**
 * Records one period's reports through the store (the real Lua script and history list), many
 * at a time on one connection so that they are pipelined. Returns how many were recorded.
 */
export async function seedPeriod(
  store: ReportStore,
  schools: readonly School[],
  period: TaskPeriod,
  mix: SeedMix = {},
  inFlight = 2000,
  kind?: ReportKind,
): Promise<number> {
  const { missing = 0.03, late = 0.05, abnormal = 0.001, onBehalf = 0.005 } = mix;
  const reports: Report[] = [];
  for (const school of schools) {
    const r = hash01(`${school.code}/${period.id}`);
    if (r < missing) continue;
    const isLate = hash01(`late/${school.code}/${period.id}`) < late;
    const { value, raw } = valueFor(period, school, hash01(`abn/${school.code}/${period.id}`) < abnormal, kind);
    const at = new Date(period.deadline.getTime() + (isLate ? 20 : -40 - Math.floor(r * 60)) * 60_000);
    reports.push({
      school: school.code,
      task: period.task,
      period: period.id,
      value,
      by: hash01(`ob/${school.code}/${period.id}`) < onBehalf ? "leader_1" : school.reporters[0]!,
      at: at.toISOString(),
      late: isLate,
      msgid: `seed-${period.id}-${school.code}`,
      raw,
      ...(hash01(`ob/${school.code}/${period.id}`) < onBehalf && { onBehalf: true }),
    });
  }
  for (let i = 0; i < reports.length; i += inFlight) {
    await Promise.all(reports.slice(i, i + inFlight).map((report) => store.put(report)));
  }
  return reports.length;
}
