import type { School } from "../config/roster.js";
import { areaKey } from "../config/roster-tree.js";

/** A roster's schools by code and by area (areaKey: two counties' 城关片区 apart), areas in the order the roster first names them. */
export interface RosterIndex {
  byCode: ReadonlyMap<string, School>;
  /** Each area's schools in roster order. */
  areas: ReadonlyMap<string, readonly School[]>;
  /** A school's place in the roster, for ordering short lists without walking the roster. */
  position: ReadonlyMap<string, number>;
  /** The schools that joined the roster after the service's first day (School.joined), latest first: few. */
  joinedLate: readonly School[];
}

const indexes = new WeakMap<readonly School[], RosterIndex>();

/** The index of a roster's schools, built once per roster (the roster is loaded once and frozen). */
export function indexRoster(schools: readonly School[]): RosterIndex {
  const known = indexes.get(schools);
  if (known) return known;
  const byCode = new Map<string, School>();
  const areas = new Map<string, School[]>();
  const position = new Map<string, number>();
  schools.forEach((school, i) => {
    byCode.set(school.code, school);
    position.set(school.code, i);
    const area = areaKey(school);
    if (!areas.has(area)) areas.set(area, []);
    areas.get(area)!.push(school);
  });
  const joinedLate = schools.filter((school) => school.joined !== undefined).sort((a, b) => b.joined!.localeCompare(a.joined!));
  const index = { byCode, areas, position, joinedLate };
  indexes.set(schools, index);
  return index;
}
