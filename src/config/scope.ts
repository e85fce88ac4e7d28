import type { Roster, School } from "./roster.js";
import { EMPTY_NODE, findNode, type RosterNode } from "./roster-tree.js";
import type { Config, TaskId, GroupConfig } from "./schema.js";

/**
 * The one place a scope is decided: the node a leader, an admin or a group is bound to (its
 * `node`; unset, the root: everything), and the roster of that node's schools, which is all that
 * the person's commands, the group's pushes and their tallies read. A node the roster lacks is
 * refused at start (crossCheckConfig); were it met anyway, it holds no school, never every one.
 */
export function nodeOf(roster: Pick<Roster, "root">, binding: { node?: string | undefined } | undefined): RosterNode {
  if (!binding) return EMPTY_NODE;
  return findNode(roster.root, binding.node) ?? EMPTY_NODE;
}

/** The roster a leader or admin sees: his entry's node (as a leader first); no school for anyone else. */
export function rosterOfPerson(roster: Roster, config: Pick<Config, "leaders" | "admins">, userid: string): Roster {
  const entry = config.leaders.find((p) => p.userid === userid) ?? config.admins.find((p) => p.userid === userid);
  return roster.within(nodeOf(roster, entry));
}

/** The roster a group's pushes speak of: its node's schools (no school for a group the config lacks). */
export function rosterOfGroup(roster: Roster, config: Pick<Config, "groups">, group: string): Roster {
  return roster.within(nodeOf(roster, Object.hasOwn(config.groups, group) ? config.groups[group] : undefined));
}

/**
 * The groups a leaders' push goes to, each told of its own node (rosterOfGroup): the group the
 * config names for it (a task's `tally_group`, `weekly.group`, `late_note.group`), and every
 * leaders' group bound to a node, so a county's leaders get their county's and a city's their
 * counties side by side. A county's deployment, whose groups name no node, sends it to the
 * named group alone, as it always did.
 */
export function leadersGroupsOf(config: Pick<Config, "groups">, named: string): string[] {
  const bound = Object.entries(config.groups).filter(([id, group]) => id !== named && group.role === "leaders" && group.node !== undefined);
  return [named, ...bound.map(([id]) => id)];
}

/**
 * A leaders' push's idempotency key in one of its groups: the job's own in the group the config
 * names (the key it had before groups were bound to nodes, so a running bureau's upgrade sends
 * nothing twice), the job and the group in every other.
 */
export function leadersPushKey(job: string, group: string, named: string): string {
  return group === named ? job : `${job}:${group}`;
}

/** The groups a task's tally goes to (leadersGroupsOf its `tally_group`). */
export function tallyGroupsOf(config: Pick<Config, "groups" | "tasks">, task: TaskId): string[] {
  return leadersGroupsOf(config, config.tasks[task]?.tally_group ?? "leaders");
}

/**
 * The groups of a leaders' push by the roster each is told of (rosterOfGroup), each roster once:
 * groups bound to the same node, or an unbound `leaders` beside one bound to the province that
 * holds every school. What is built for a roster, its text and its chart, is built once and
 * sent to each of its groups.
 */
export function groupsByScope(roster: Roster, config: Pick<Config, "groups">, groups: readonly string[]): { roster: Roster; groups: string[] }[] {
  const parts = new Map<Roster, string[]>();
  for (const group of groups) {
    const part = rosterOfGroup(roster, config, group);
    parts.set(part, [...(parts.get(part) ?? []), group]);
  }
  return [...parts].map(([part, of]) => ({ roster: part, groups: of }));
}

/** The role a task's `reporters` names (晨午检: 校医); undefined where each school's 上报人 report it. */
export function reporterRoleOf(config: Pick<Config, "tasks">, task: TaskId): string | undefined {
  return config.tasks[task]?.reporters;
}

/**
 * Who reports a task at a school, the one place it is decided: the accounts of the school's
 * column of the task's role (reporterRoleOf), else its 上报人. The check-in, reminders' @-mentions
 * and 未报 ask it.
 */
export function reportersAt(school: School, role: string | undefined): readonly string[] {
  return role === undefined ? school.reporters : (school.roles?.[role] ?? []);
}

/** The schools a user reports a task for (reportersAt's other side): those whose role column, or 上报人, names him. */
export function schoolsReportedBy(roster: Pick<Roster, "schoolsOf">, userid: string, role: string | undefined): readonly School[] {
  return roster.schoolsOf(userid, role);
}

/**
 * The schools whose 状态 a user sees: those he reports for (上报人), then those whose role column
 * names him (a 校医 who is no 上报人 still sees and withdraws his role's kinds there).
 */
export function schoolsSeenBy(roster: Pick<Roster, "schoolsOf" | "roles">, userid: string): readonly School[] {
  const seen = new Set(roster.schoolsOf(userid));
  for (const role of roster.roles) for (const school of roster.schoolsOf(userid, role)) seen.add(school);
  return [...seen];
}

/** Whether a user's 状态 of a school shows a task: every task to its 上报人, a role's kinds to the role's people. */
export function showsTaskTo(school: School, role: string | undefined, userid: string): boolean {
  return school.reporters.includes(userid) || reportersAt(school, role).includes(userid);
}

export interface GroupSchools {
  /** The roster's schools the group holds, in roster order. */
  readonly schools: readonly School[];
  /** Indexes of `group.schools` entries that are neither an area (片区) nor a school code of the group's node. */
  readonly unknown: readonly number[];
}

/**
 * Which schools a group holds: of its node's schools (scope.ts), `all`, or each entry of its list
 * taken as an area (片区) name or a school code. Areas and codes are compared after NFKC.
 */
export function resolveGroupSchools(group: Pick<GroupConfig, "schools" | "node">, roster: Roster): GroupSchools {
  let byGroup = resolvedGroups.get(roster);
  if (!byGroup) resolvedGroups.set(roster, (byGroup = new WeakMap()));
  let resolved = byGroup.get(group);
  if (!resolved) byGroup.set(group, (resolved = matchGroupSchools(group, roster)));
  return resolved;
}

// Each reminder and each incident asks which schools a group holds: a group's list is matched
// against its node's schools (NFKC each, per entry) once per roster, not on every push.
const resolvedGroups = new WeakMap<Roster, WeakMap<object, GroupSchools>>();

function matchGroupSchools(group: Pick<GroupConfig, "schools" | "node">, roster: Roster): GroupSchools {
  const { schools: own } = roster.within(nodeOf(roster, group));
  if (group.schools === "all") return { schools: own, unknown: [] };
  const entries = group.schools.map((entry) => entry.normalize("NFKC").trim());
  const keys = new Map(entries.map((key, index) => [key, index]));
  // One pass over the schools, each area and code folded once: an entry per area of a county's
  // 100,000 schools, matched entry by entry, took a second.
  const matched = new Set<number>();
  const schools = own.filter((school) => {
    const byArea = keys.get(school.area.normalize("NFKC"));
    const byCode = keys.get(school.code.normalize("NFKC"));
    if (byArea !== undefined) matched.add(byArea);
    if (byCode !== undefined) matched.add(byCode);
    return byArea !== undefined || byCode !== undefined;
  });
  const unknown = entries.flatMap((key, index) => (matched.has(keys.get(key)!) ? [] : [index]));
  return { schools, unknown };
}
