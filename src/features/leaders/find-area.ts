import type { Roster } from "../../config/roster.js";
import { NODE_SEPARATOR, areaKey, areaLabel, shownNode, type RosterNode } from "../../config/roster-tree.js";
import { CodedError, ErrorCode } from "../../errors.js";
import { blankSpan, readWords, type QuoteTyped, type Word } from "../../text/words.js";
import { leaderText } from "./leader-text.js";
import { namesADate } from "./read-date-span.js";
import type { LocalDate } from "../../time/local-time.js";

/** A part of the roster a leader named, a 片区 or a county (city) of his: its 片区' keys (areaKey) and how he is shown it (areaLabel). */
export interface NamedArea {
  keys: readonly string[];
  label: string;
}

/** A match of an area at the words from `start`: the area, its node, and how many words named it. */
export interface AreaMatch {
  area: NamedArea;
  node: RosterNode;
  words: number;
}

/**
 * The part of the asker's roster that the words from `start` name, a 片区 or a node above it
 * (`平安县` to a city's leader), by the end of its path (`城关片区`, `平安县 城关片区`,
 * `平安县/城关片区`: the slash separates words too), the longest such end first; a single word
 * may also be the start of its name (`东部` → 东部片区) unless `exactOnly`. Undefined when they
 * name none; a name several parts end with (two counties' 城关片区 to a city's leader) is asked
 * about with the choices, as he would write them.
 */
export function findArea(roster: Pick<Roster, "node">, words: readonly Word[], start: number, { exactOnly = false, quote }: { exactOnly?: boolean; quote: QuoteTyped }): AreaMatch | undefined {
  // Below the node he is shown (shownNode): a province's one province is his whole part, no part of it.
  const places = placesBelow(shownNode(roster.node));
  const named = matchPlaces(places, words, start, exactOnly);
  if (!named) return undefined;
  const shown = named.nodes.map((node) => areaLabel(roster.node, node.path.join(NODE_SEPARATOR)));
  if (shown.length > 1) throw new CodedError(ErrorCode.Usage, leaderText.whichArea(quoteWords(words, start, named.words, quote), shown));
  return { area: { keys: areaKeysOf(named.nodes[0]!), label: shown[0]! }, node: named.nodes[0]!, words: named.words };
}

/**
 * The part of the asker's node that words of `text` name (`汇总 平安县`, `汇总 昨天 平安县/城关片区`,
 * `汇总 东部` as 未报 东部 reads it), by findArea; and the text with those words blanked (same
 * length), for the rest to be read (a date: never taken for the start of a name, as 上周 of 上周村片区).
 * His own node named is all he sees (readOwnNode, which refuses one outside it); none named: no part.
 */
export function takePartWords(
  text: string,
  roster: Pick<Roster, "node" | "root">,
  { quote, today }: { quote: QuoteTyped; today: LocalDate },
): { part?: { node: RosterNode; label: string }; rest: string } {
  const words = readWords(text);
  let rest = text;
  let part: { node: RosterNode; label: string } | undefined;
  for (let i = 0; i < words.length; i += 1) {
    const match = findArea(roster, words, i, { exactOnly: namesADate(words[i]!.word, today), quote });
    const count = match?.words ?? readOwnNode(roster, words, i, quote);
    if (count === undefined) continue;
    if (match && part && part.node !== match.node) throw new CodedError(ErrorCode.Usage, leaderText.summaryOnePart(part.label, match.area.label));
    if (match) part = { node: match.node, label: match.area.label };
    const { start } = words[i]!;
    const { end } = words[i + count - 1]!;
    rest = blankSpan(rest, start, end);
    i += count - 1;
  }
  return { ...(part && { part }), rest };
}

/**
 * Words that name a node of the whole roster the asker's part does not show (findArea): his own
 * node, which is all he sees (`未报 平安县` to its leader), answers how many words name it; a
 * node outside it, or above it, is refused as not his, without a word of what is in it.
 * Undefined when the words name no node.
 */
export function readOwnNode(roster: Pick<Roster, "node" | "root">, words: readonly Word[], start: number, quote: QuoteTyped): number | undefined {
  const named = matchPlaces(placesBelow(roster.root), words, start, true);
  if (!named) return undefined;
  const { node: asker } = roster;
  const onHisLine = (node: RosterNode) => startsWith(node.path, asker.path) || startsWith(asker.path, node.path);
  // His node, or one above or below it holding the same schools (a province's one province).
  if (named.nodes.some((node) => node.schools.length === asker.schools.length && onHisLine(node))) return named.words;
  // One of his (a county to a city's leader where no 片区 is read): not this function's to answer.
  if (named.nodes.some((node) => startsWith(node.path, asker.path))) return undefined;
  throw new CodedError(ErrorCode.NotYourSchool, leaderText.outsideNode(quoteWords(words, start, named.words, quote), asker.name));
}

const startsWith = (path: readonly string[], prefix: readonly string[]) => prefix.every((name, i) => path[i] === name);

/** Every node below `node` (片区 and the levels above them), with its path's names after NFKC. */
function placesBelow(node: RosterNode): { node: RosterNode; names: string[] }[] {
  const places: { node: RosterNode; names: string[] }[] = [];
  const walk = (parent: RosterNode) => {
    for (const child of parent.children) {
      places.push({ node: child, names: child.path.map((name) => name.normalize("NFKC")) });
      if (child.level !== "area") walk(child);
    }
  };
  walk(node);
  return places;
}

/** The places whose path ends with the most of the words from `start`, and how many words named them. */
function matchPlaces(places: readonly { node: RosterNode; names: string[] }[], words: readonly Word[], start: number, exactOnly: boolean) {
  const deepest = Math.max(0, ...places.map((place) => place.names.length));
  for (let count = Math.min(deepest, words.length - start); count >= 1; count -= 1) {
    const typed = words.slice(start, start + count).map(({ word }) => word);
    let matches = places.filter((place) => endsWith(place.names, typed, (name, word) => name === word));
    if (matches.length === 0 && count === 1 && !exactOnly) matches = places.filter((place) => endsWith(place.names, typed, (name, word) => name.startsWith(word)));
    if (matches.length > 0) return { nodes: matches.map((place) => place.node), words: count };
  }
  return undefined;
}

/** The `count` words from `start` as typed, joined as a path is written (平安县/城关片区). */
const quoteWords = (words: readonly Word[], start: number, count: number, quote: QuoteTyped) =>
  words
    .slice(start, start + count)
    .map(({ word, start: at }) => quote(word, at))
    .join(NODE_SEPARATOR);

/** The keys (areaKey) of a node's 片区: its own for a 片区, each of its 片区' below a county. */
function areaKeysOf(node: RosterNode): string[] {
  if (node.level === "area") return [areaKey(node.schools[0]!)];
  return node.children.flatMap(areaKeysOf);
}

/** Whether a path ends with the words typed, its last name as `last` says (the same, or starting with the word). */
function endsWith(names: readonly string[], typed: readonly string[], last: (name: string, word: string) => boolean): boolean {
  const from = names.length - typed.length;
  return from >= 0 && typed.every((word, i) => (i === typed.length - 1 ? last(names[from + i]!, word) : names[from + i] === word));
}
