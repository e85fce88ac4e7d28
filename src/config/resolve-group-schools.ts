import type { Roster, School } from "./roster.js";
import type { GroupConfig } from "./schema.js";

export interface GroupSchools {
  /** The roster's schools the group holds, in roster order. */
  schools: School[];
  /** Indexes of `group.schools` entries that are neither an area (片区) nor a school code. */
  unknown: number[];
}

/**
 * Which schools a group holds: `all`, or each entry of its list taken as an area (片区) name or a
 * school code. Areas and codes are compared after NFKC.
 */
export function resolveGroupSchools(group: Pick<GroupConfig, "schools">, roster: Roster): GroupSchools {
  if (group.schools === "all") return { schools: [...roster.schools], unknown: [] };
  const wanted = new Set<School>();
  const unknown: number[] = [];
  group.schools.forEach((entry, index) => {
    const key = entry.normalize("NFKC").trim();
    const matches = roster.schools.filter(
      (school) => school.area.normalize("NFKC") === key || school.code.normalize("NFKC") === key,
    );
    if (matches.length === 0) unknown.push(index);
    for (const school of matches) wanted.add(school);
  });
  return { schools: roster.schools.filter((school) => wanted.has(school)), unknown };
}
