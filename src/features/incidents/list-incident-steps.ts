import type { Config, TaskId } from "../../config/schema.js";
import type { Roster, School } from "../../config/roster.js";
import type { ListLine } from "../leaders/fit-doc.js";
import type { IncidentStore } from "../../store/incidents.js";
import { incidentText } from "./incident-text.js";

type People = Pick<Config, "leaders" | "admins" | "timezone">;

/** A school's incident steps opened since `since` (of the tasks `asked`), as 历史 entries (newest first once sorted with the rest). */
export async function listIncidentSteps(
  incidents: Pick<IncidentStore, "ofSchool" | "steps">,
  school: School,
  since: Date,
  config: People,
  asked: (task: TaskId) => boolean = () => true,
): Promise<{ at: string; line: string }[]> {
  const found = (await incidents.ofSchool(school.code, since)).filter((incident) => asked(incident.task));
  const steps = await Promise.all(found.map(async (incident) => ({ incident, steps: await incidents.steps(incident.number) })));
  return steps.flatMap(({ incident, steps: list }) =>
    list.map((step) => ({ at: step.at, line: incidentText.historyStep(incident.number, step, config, config.timezone, school) })),
  );
}

/** The open incidents of the roster's schools (汇总, the board): a heading and a line each, with its age, last follow-up and who acknowledged it; undefined when none is open. */
export async function listOpenIncidents(
  incidents: Pick<IncidentStore, "listOpen">,
  roster: Pick<Roster, "byCode">,
  now: Date,
  config: People,
  asked: (task: TaskId) => boolean = () => true,
): Promise<{ heading: string; items: string[] } | undefined> {
  // Only the schools of the roster given: a leader's node, nothing outside it.
  const open = (await incidents.listOpen()).filter((incident) => roster.byCode(incident.school) !== undefined && asked(incident.task));
  if (open.length === 0) return undefined;
  return { heading: incidentText.openHeading(open.length), items: open.map((incident) => incidentText.openItem(incident, roster.byCode(incident.school), now, config, config.timezone)) };
}

/** The open incidents as a block of 汇总, shortened like its other lists when the reply is long. */
export function formatOpenIncidents(open: { heading: string; items: readonly string[] }): ListLine {
  return {
    prefix: `**${open.heading}**\n- `,
    items: open.items,
    separator: "\n- ",
    more: (total, shown) => `\n…另有 ${total - shown} 起（发送“历史 学校”查看）`,
  };
}
