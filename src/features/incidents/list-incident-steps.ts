import type { Config } from "../../config/schema.js";
import type { Roster, School } from "../../config/roster.js";
import type { ListLine } from "../leaders/fit-doc.js";
import type { IncidentStore } from "../../store/incidents.js";
import { incidentText } from "./incident-text.js";

type People = Pick<Config, "leaders" | "admins" | "timezone">;

/** A school's incident steps opened since `since`, as 历史 entries (newest first once sorted with the rest). */
export async function listIncidentSteps(incidents: Pick<IncidentStore, "ofSchool" | "steps">, school: School, since: Date, config: People): Promise<{ at: string; line: string }[]> {
  const found = await incidents.ofSchool(school.code, since);
  const steps = await Promise.all(found.map(async (incident) => ({ incident, steps: await incidents.steps(incident.number) })));
  return steps.flatMap(({ incident, steps: list }) =>
    list.map((step) => ({ at: step.at, line: incidentText.historyStep(incident.number, step, config, config.timezone, school) })),
  );
}

/** The open incidents for 汇总: each with its age, last follow-up and who acknowledged it; undefined when none is open. */
export async function listOpenIncidents(incidents: Pick<IncidentStore, "listOpen">, roster: Pick<Roster, "byCode">, now: Date, config: People): Promise<ListLine | undefined> {
  const open = await incidents.listOpen();
  if (open.length === 0) return undefined;
  return {
    prefix: `${incidentText.openTitle(open.length)}\n`,
    items: open.map((incident) => incidentText.openLine(incident, roster.byCode(incident.school), now, config, config.timezone)),
    separator: "\n",
    more: (total, shown) => `\n…另有 ${total - shown} 起（发送“历史 学校”查看）`,
  };
}
