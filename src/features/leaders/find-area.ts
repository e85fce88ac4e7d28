import type { Roster } from "../../config/roster.js";
import { NODE_SEPARATOR, areaLabel } from "../../config/roster-tree.js";
import { CodedError, ErrorCode } from "../../errors.js";
import { indexRoster } from "../../tally/task-tally.js";
import { leaderText } from "./leader-text.js";

/** A 片区 a leader named: its key (areaKey) and how he is shown it (areaLabel). */
export interface NamedArea {
  key: string;
  label: string;
}

/** A match of an area at the words from `start`: the area and how many words named it. */
export interface AreaMatch {
  area: NamedArea;
  words: number;
}

/**
 * The 片区 of the asker's part of the roster that the words from `start` name, by the end of its
 * path (`城关片区`, `平安县 城关片区`, `平安县/城关片区`: the slash separates words too), the
 * longest such end first; a single word may also be the start of a 片区's name (`东部` →
 * 东部片区) unless `exactOnly`. Undefined when they name none; a name several areas end with
 * (two counties' 城关片区 to a city's leader) is asked about with the choices, as he would write them.
 */
export function findArea(roster: Pick<Roster, "schools" | "node">, words: readonly string[], start: number, { exactOnly = false } = {}): AreaMatch | undefined {
  const areas = [...indexRoster(roster.schools).areas.keys()].map((key) => ({ key, names: key.split(NODE_SEPARATOR).map((name) => name.normalize("NFKC")) }));
  const deepest = Math.max(0, ...areas.map((area) => area.names.length));
  for (let count = Math.min(deepest, words.length - start); count >= 1; count -= 1) {
    const typed = words.slice(start, start + count);
    let matches = areas.filter((area) => endsWith(area.names, typed, (name, word) => name === word));
    if (matches.length === 0 && count === 1 && !exactOnly) matches = areas.filter((area) => endsWith(area.names, typed, (name, word) => name.startsWith(word)));
    if (matches.length === 0) continue;
    const named = matches.map((area) => ({ key: area.key, label: areaLabel(roster.node, area.key) }));
    if (named.length > 1) throw new CodedError(ErrorCode.Usage, leaderText.whichArea(typed.join(NODE_SEPARATOR), named.map((area) => area.label)));
    return { area: named[0]!, words: count };
  }
  return undefined;
}

/** Whether a path ends with the words typed, its last name as `last` says (the same, or starting with the word). */
function endsWith(names: readonly string[], typed: readonly string[], last: (name: string, word: string) => boolean): boolean {
  const from = names.length - typed.length;
  return from >= 0 && typed.every((word, i) => (i === typed.length - 1 ? last(names[from + i]!, word) : names[from + i] === word));
}
