import type { Roster, School } from "./roster.js";
import type { GroupConfig } from "./schema.js";
import { nodeOf } from "./scope.js";

export interface GroupSchools {
  /** The roster's schools the group holds, in roster order. */
  schools: School[];
  /** Indexes of `group.schools` entries that are neither an area (片区) nor a school code of the group's node. */
  unknown: number[];
}

/**
 * Which schools a group holds: of its node's schools (scope.ts), `all`, or each entry of its list
 * taken as an area (片区) name or a school code. Areas and codes are compared after NFKC.
 */
export function resolveGroupSchools(group: Pick<GroupConfig, "schools" | "node">, roster: Roster): GroupSchools {
  const { schools: own } = roster.within(nodeOf(roster, group));
  if (group.schools === "all") return { schools: [...own], unknown: [] };
  const wanted = new Set<School>();
  const unknown: number[] = [];
  group.schools.forEach((entry, index) => {
    const key = entry.normalize("NFKC").trim();
    const matches = own.filter((school) => school.area.normalize("NFKC") === key || school.code.normalize("NFKC") === key);
    if (matches.length === 0) unknown.push(index);
    for (const school of matches) wanted.add(school);
  });
  return { schools: own.filter((school) => wanted.has(school)), unknown };
}
