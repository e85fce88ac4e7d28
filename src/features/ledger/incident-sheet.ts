import { personLabel, type School } from "../../config/roster.js";
import type { Config } from "../../config/schema.js";
import type { IncidentStore } from "../../store/incidents.js";
import { addDays, toInstant, type LocalDate } from "../../time/local-time.js";
import { incidentText } from "../incidents/incident-text.js";
import type { LedgerColumn } from "./ledger-columns.js";

/** One step of one incident: a line of the ledger's incident sheet (异常事件). */
export interface IncidentRow {
  number: number;
  schoolCode: string;
  schoolName: string;
  status: string;
  step: string;
  at: Date;
  /** Who took the step, by name; empty for the service's own (催办, 提醒续报). */
  by: string;
  /** As typed. */
  text?: string;
}

/** The sheet's name in the workbook. */
export const INCIDENT_SHEET = "异常事件";

export const INCIDENT_COLUMNS: readonly LedgerColumn<IncidentRow>[] = [
  { header: "事件编号", width: 10, kind: "int", value: (r) => r.number },
  { header: "学校代码", width: 10, kind: "text", value: (r) => r.schoolCode },
  { header: "学校名称", width: 28, kind: "text", value: (r) => r.schoolName },
  { header: "事件状态", width: 10, kind: "text", value: (r) => r.status },
  { header: "步骤", width: 10, kind: "text", value: (r) => r.step },
  { header: "时间", width: 18, kind: "datetime", value: (r) => r.at },
  { header: "经办人", width: 12, kind: "text", value: (r) => r.by },
  { header: "内容", width: 60, kind: "text", value: (r) => r.text },
];

/** Every step of the incidents opened in [from, to] (local dates), by incident, oldest first. */
export async function listIncidentRows(args: {
  incidents: Pick<IncidentStore, "opened" | "steps">;
  /** The schools of the ledger (the asker's node): incidents of others are left out. */
  schools: readonly School[];
  people: Pick<Config, "leaders" | "admins">;
  from: LocalDate;
  to: LocalDate;
  timeZone: string;
}): Promise<IncidentRow[]> {
  const { people } = args;
  const byCode = new Map(args.schools.map((school) => [school.code, school]));
  const opened = await args.incidents.opened(toInstant(args.from, "00:00", args.timeZone), toInstant(addDays(args.to, 1), "00:00", args.timeZone));
  const rows: IncidentRow[] = [];
  for (const incident of opened) {
    const school = byCode.get(incident.school);
    if (!school) continue;
    for (const step of await args.incidents.steps(incident.number)) {
      rows.push({
        number: incident.number,
        schoolCode: incident.school,
        schoolName: school.name,
        status: incidentText.statusName(incident.status),
        step: incidentText.stepName(step.kind),
        at: new Date(step.at),
        by: step.by ? personLabel(step.by, people, school) : "",
        ...(step.text !== undefined && { text: step.text }),
      });
    }
  }
  return rows;
}
