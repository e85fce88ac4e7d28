import type { Roster, School } from "../../config/roster.js";
import type { Config, TaskId } from "../../config/schema.js";
import { kindOf, type ReportKind } from "../../config/kinds.js";
import { botServing } from "../../config/list-bots.js";
import { nodeOf, reporterRoleOf, reportersAt, resolveGroupSchools } from "../../config/scope.js";
import { areaKey, areaLabel, type RosterNode } from "../../config/roster-tree.js";
import { leaderText } from "../leaders/leader-text.js";
import { datesFollowToday } from "../check-in/fit-example.js";

// Who a task's reminder goes to, and every line of it that depends neither on the period nor
// on the hour, decided from the config and the roster once (both are frozen): a reminder then
// only picks the lines of the schools missing now.

/** One school's line of a reminder: its text and exactly the people it @-mentions. */
export interface ReminderSchoolLine {
  code: string;
  /** The school's area (areaKey), under whose heading the line goes. */
  area: string;
  text: string;
  mentions: readonly string[];
  /** When one of its people reports for several schools (reportersOfSeveral): how he names this one (reminderSeveral). */
  several?: string;
}

/** A schools group a task's reminder goes to. */
export interface ReminderTarget {
  /** Group id, a key of `config.groups`. */
  group: string;
  groupName: string;
  /** The bot that serves the group, whom the reporters are told to @. */
  botName: string;
  /** The smart bot pushes to the group itself (`via: bot`): the reminder can carry the kind's card. */
  viaBot: boolean;
  /** The group's schools' lines, in roster order. */
  schools: readonly ReminderSchoolLine[];
  /** Each area's heading (by areaKey), named below the group's node (areaLabel). */
  areaHeadings: ReadonlyMap<string, string>;
  /** What the reporters are asked to send. */
  command: readonly string[];
  /** The command's example is dated today when sent (datesFollowToday). */
  datedExample: boolean;
}

/** A task's reminder: its kind, the role whose people report it, and the schools groups it goes to in config order. */
export interface TaskReminderTargets {
  kind: ReportKind;
  /** reporterRoleOf: its people are @-mentioned, not the 上报人. */
  role: string | undefined;
  groups: readonly ReminderTarget[];
}

const built = new WeakMap<Roster, WeakMap<Config, Map<TaskId, TaskReminderTargets>>>();

/** The task's reminder targets (every schools group that holds a school), built once per roster and config. */
export function reminderTargetsOf(config: Config, roster: Roster, task: TaskId): TaskReminderTargets {
  let byConfig = built.get(roster);
  if (!byConfig) built.set(roster, (byConfig = new WeakMap()));
  let byTask = byConfig.get(config);
  if (!byTask) byConfig.set(config, (byTask = new Map()));
  let targets = byTask.get(task);
  if (!targets) byTask.set(task, (targets = buildTargets(config, roster, task)));
  return targets;
}

function buildTargets(config: Config, roster: Roster, task: TaskId): TaskReminderTargets {
  const kind = kindOf(config, task);
  if (!kind) throw new Error(`no kind for task ${task}`);
  const role = reporterRoleOf(config, task);
  const several = reportersOfSeveral(roster.schools, role);
  const groups = Object.entries(config.groups).flatMap(([id, group]) => {
    if (group.role !== "schools") return [];
    const { schools } = resolveGroupSchools(group, roster);
    if (schools.length === 0) return [];
    const botName = botServing(config, id).name;
    return [writeReminderTarget({ group: id, groupName: group.name, botName, viaBot: group.via === "bot", kind, role, schools, several, node: nodeOf(roster, group) })];
  });
  return { kind, role, groups };
}

/** The people who report the kind (its role's, else the 上报人) for more than one school of the roster: 平安 alone is refused for them. */
export function reportersOfSeveral(schools: readonly School[], role: string | undefined): ReadonlySet<string> {
  const seen = new Set<string>();
  const several = new Set<string>();
  for (const school of schools) for (const person of reportersAt(school, role)) (seen.has(person) ? several : seen).add(person);
  return several;
}

/** One group's target from what the config and roster say of it. */
export function writeReminderTarget(args: {
  group: string;
  groupName: string;
  botName: string;
  viaBot: boolean;
  kind: Pick<ReportKind, "reader" | "words" | "examples" | "fields">;
  role: string | undefined;
  /** The group's schools, in roster order. */
  schools: readonly School[];
  /** Who reports for several schools of the roster (reportersOfSeveral): told to name the school. */
  several: ReadonlySet<string>;
  /** The group's node, below which its 片区 are named (areaLabel). */
  node: RosterNode;
}): ReminderTarget {
  const { kind, role, schools, several: ofSeveral, node, ...group } = args;
  const areaHeadings = new Map<string, string>();
  const lines = schools.map((school): ReminderSchoolLine => {
    const area = areaKey(school);
    if (!areaHeadings.has(area)) areaHeadings.set(area, leaderText.reminderArea(areaLabel(node, area)));
    const mentions = reportersAt(school, role);
    const several = mentions.some((person) => ofSeveral.has(person)) ? { several: leaderText.reminderSeveral(kind, group.botName, school, role) } : {};
    return { code: school.code, area, text: leaderText.reminderSchool(school, role), mentions, ...several };
  });
  return { ...group, schools: lines, areaHeadings, command: leaderText.reminderCommand(kind, group.botName, role), datedExample: datesFollowToday(kind) };
}
