import type { CommandMatch, CommandRegistry, CommandSpec, MatchOptions, Role } from "./command.js";
import { createStringFinder, findFolded, foldWord, type FoundString, type NormalizedText, normalizeText, readAroundKeyword, readWord } from "../text/words.js";
import { findNearMiss } from "./near-miss.js";

/** A keyword as messages are matched against it: NFKC, simplified script, lower case. */

interface Found {
  spec: CommandSpec;
  start: number;
  end: number;
}

/**
 * Builds the registry; a duplicate id, a keyword claimed twice (after folding, so 報平安 and
 * 报平安 are one keyword) or two commands answering the same card taps stop start-up. Keywords are found anywhere in a message, leftmost
 * first and longest at one place, and a match never starts inside another: 无异常 is one
 * keyword, never 异常; 防溺水提醒 is never 提醒. A keyword typed with spaces between its characters
 * (平 安) is the keyword.
 */
export function createCommandRegistry(specs: readonly CommandSpec<any>[]): CommandRegistry {
  const ids = new Set<string>();
  /** Where a keyword names its command: anywhere, only as the first word, or only where nothing else does. */
  type Reach = "anywhere" | "first" | "last";
  const owners = new Map<string, { spec: CommandSpec; reach: Reach }>();
  const claim = (keyword: string, spec: CommandSpec, reach: Reach) => {
    const folded = foldWord(keyword);
    const owner = owners.get(folded);
    if (owner) throw new Error(`keyword "${keyword}" is claimed by both "${owner.spec.id}" and "${spec.id}"`);
    owners.set(folded, { spec, reach });
  };
  const tappers = new Map<string | undefined, CommandSpec>();
  for (const spec of specs) {
    if (ids.has(spec.id)) throw new Error(`command id "${spec.id}" is declared twice`);
    ids.add(spec.id);
    const tapper = tappers.get(spec.tapTopic);
    if (spec.tap && tapper) throw new Error(`card taps${spec.tapTopic === undefined ? "" : ` on "${spec.tapTopic}"`} are answered by both "${tapper.id}" and "${spec.id}"`);
    if (spec.tap) tappers.set(spec.tapTopic, spec);
    for (const alias of spec.aliases) claim(alias, spec, "anywhere");
    for (const word of spec.firstWords ?? []) claim(word, spec, "first");
    for (const word of spec.lastResort ?? []) claim(word, spec, "last");
  }
  // 平 安: a keyword typed with a space between its characters is the keyword.
  for (const [keyword, owner] of [...owners]) {
    const spaced = [...keyword].join(" ");
    if (owner.reach !== "first" && /^\p{Script=Han}{2,}$/u.test(keyword) && !owners.has(spaced)) owners.set(spaced, owner);
  }
  const reaching = (reach: Reach) => [...owners.entries()].filter(([, owner]) => owner.reach === reach).map(([keyword]) => keyword);
  /** Each reach's keywords found in a text, every occurrence: a message is scanned once, not once per keyword. */
  const finderOf = (reach: Reach) => createStringFinder(reaching(reach).map((keyword) => ({ key: keyword, value: owners.get(keyword)!.spec })));
  const anywhere = finderOf("anywhere");
  const lastResort = finderOf("last");

  /** The keywords found in `text`, those inside what `named` finds (school names) passed over. */
  const find = (text: string, named: () => readonly FoundString<string>[], allowed: (spec: CommandSpec) => boolean): Found[] => {
    // A first-word keyword the sender may not use is an everyday word to him (a leader's 查询 未报),
    // unless nothing else is found: then it is his command to be refused (a leader's 安全).
    const first = readWord(text, 0);
    // 正常。 and 安全！ are the first word, with what ends the sentence.
    const owner = first && first.start === 0 ? owners.get(first.word.replace(/[\p{P}\p{S}]+$/u, "")) : undefined;
    const firstWord = owner?.reach === "first" ? [{ spec: owner.spec, start: 0, end: first!.end }] : [];
    if (firstWord[0] && allowed(firstWord[0].spec)) return firstWord;
    let masked: boolean[] | undefined;
    /** Leftmost first, the longest at one place that is no school's name, never one inside another. */
    const scan = (find: (text: string) => FoundString<CommandSpec>[]): Found[] => {
      const longest = new Map<number, Found>();
      for (const { value: spec, start, end } of find(text)) {
        masked ??= maskOf(text, named());
        if (masked.slice(start, end).includes(true)) continue;
        const there = longest.get(start);
        if (!there || there.end < end) longest.set(start, { spec, start, end });
      }
      const found: Found[] = [];
      for (let at = 0; at < text.length; ) {
        const hit = longest.get(at);
        if (!hit) {
          at += 1;
          continue;
        }
        found.push(hit);
        at = hit.end;
      }
      return found;
    };
    const found = scan(anywhere);
    if (found.length > 0) return found;
    const last = scan(lastResort);
    return last.length > 0 ? last : firstWord;
  };

  const match = (text: NormalizedText, options: MatchOptions = {}): CommandMatch | undefined => {
    const allowed = options.allowed ?? (() => true);
    const folded = text.folded.toLowerCase();
    // The ignored strings are looked for once, and the command is handed where they are (a reader's school).
    let named: readonly FoundString<string>[] | undefined;
    const namedIn = () => (named ??= findFolded(folded, options.ignore ?? []));
    const found = find(folded, namedIn, allowed);
    const first = found[0];
    if (!first) return undefined;
    const chosen = first.start === 0 ? first : (found.find((f) => allowed(f.spec)) ?? first);
    return { spec: chosen.spec, input: readAroundKeyword(text, chosen.start, chosen.end, options.ignore && namedIn()), atStart: chosen.start === 0 };
  };

  return {
    specs,
    read(raw, botName, options) {
      const text = normalizeText(raw, botName);
      const matched = text.folded ? match(text, options) : undefined;
      return { text, ...(matched && { match: matched }) };
    },
    match,
    suggest(text, options: MatchOptions = {}) {
      const allowed = options.allowed ?? (() => true);
      const folded = text.folded.toLowerCase();
      const keywords = [...owners].filter(([keyword, owner]) => allowed(owner.spec) && !keyword.includes(" ")).map(([keyword]) => keyword);
      return findNearMiss(folded, keywords, maskOf(folded, findFolded(folded, options.ignore ?? [])));
    },
  };
}

/** Which characters of `text` belong to one of the strings found in it. */
function maskOf(text: string, named: readonly FoundString<string>[]): boolean[] {
  const masked: boolean[] = new Array<boolean>(text.length).fill(false);
  for (const { start, end } of named) masked.fill(true, start, end);
  return masked;
}

/** Whether a sender with these roles may use the command. */
export function isAllowed(spec: CommandSpec, roles: ReadonlySet<Role>): boolean {
  return spec.roles === "anyone" || spec.roles.some((role) => roles.has(role));
}
