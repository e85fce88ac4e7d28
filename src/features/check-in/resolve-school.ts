import type { CommandContext } from "../../bot/command.js";
import { createStringFinder, type FoundString, splitWords } from "../../text/words.js";
import { CodedError, ErrorCode } from "../../errors.js";
import type { Roster, School } from "../../config/roster.js";
import { reportText } from "./report-text.js";

interface Mention {
  school: School;
  start: number;
  end: number;
}

/**
 * Where a message names schools exactly: by full name or short name anywhere (Chinese has no
 * spaces: 东湖小学今日平安), by code as a whole word. Longer names first, never overlapping
 * (岭头小学 inside 平安县枫林乡岭头小学 is one mention).
 */
function findMentions(text: string, schools: readonly School[]): Mention[] {
  const lower = text.toLowerCase();
  const { names, codes, otherCodes } = mentionIndexOf(schools);
  const all: Mention[] = names(lower).map(({ value: school, start, end }) => ({ school, start, end }));
  // A code counts only as a whole run of letters and digits (CG001, not CG0010).
  for (const m of lower.matchAll(/[a-z0-9]+/gu)) {
    const school = codes.get(m[0]);
    if (school) all.push({ school, start: m.index, end: m.index + m[0].length });
  }
  for (const { school, pattern } of otherCodes) {
    for (const m of lower.matchAll(pattern)) all.push({ school, start: m.index, end: m.index + m[0].length });
  }
  all.sort((a, b) => b.end - b.start - (a.end - a.start) || a.start - b.start);
  const kept: Mention[] = [];
  for (const m of all) if (!kept.some((k) => m.start < k.end && k.start < m.end)) kept.push(m);
  return kept.sort((a, b) => a.start - b.start);
}

interface MentionIndex {
  names: (text: string) => FoundString<School>[];
  codes: Map<string, School>;
  /** Codes with characters other than letters and digits, matched one by one. */
  otherCodes: { school: School; pattern: RegExp }[];
}

/** Built once per roster: every message is searched for every school. */
const mentionIndexes = new WeakMap<readonly School[], MentionIndex>();

function mentionIndexOf(schools: readonly School[]): MentionIndex {
  let index = mentionIndexes.get(schools);
  if (index) return index;
  const codes = new Map<string, School>();
  const otherCodes: MentionIndex["otherCodes"] = [];
  for (const school of schools) {
    const code = school.code.toLowerCase();
    if (/^[a-z0-9]+$/u.test(code)) codes.set(code, school);
    else otherCodes.push({ school, pattern: new RegExp(`(?<![a-z0-9])${escapeRegExp(code)}(?![a-z0-9])`, "gu") });
  }
  const names = createStringFinder(
    schools.flatMap((school) => [school.name, school.shortName].map((id) => ({ key: id.normalize("NFKC").toLowerCase(), value: school }))),
  );
  index = { names, codes, otherCodes };
  mentionIndexes.set(schools, index);
  return index;
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** `text` without the spans, each blanked (same length: a place in the rest is a place in `text`). */
const without = (text: string, spans: readonly { start: number; end: number }[]) =>
  spans.reduce((rest, s) => rest.slice(0, s.start) + " ".repeat(s.end - s.start) + rest.slice(s.end), text);

/** `text` with every school name, short name and code blanked (same length): words in them are no command's. */
export function blankSchoolNames(text: string, roster: Pick<Roster, "schools">): string {
  return without(text, findMentions(text, roster.schools));
}

/**
 * The school a reporter's message is for, and the message's words without its name. A reporter
 * of one school needs not name it; one of several names it anywhere in the message, by name,
 * short name, code, or a part of a name only one of his schools has (岭头); a part several of
 * them share (枫林) is asked about, listing them. A school that is not the sender's is refused.
 * `rest` is `text` with the school's name blanked, each character where it was.
 */
export function resolveSchool(ctx: Pick<CommandContext, "schools" | "roster">, text: string): { school: School; rest: string } {
  const mine = ctx.schools;
  if (mine.length === 0) throw new CodedError(ErrorCode.NotReporter, reportText.notAReporter);
  const mentions = findMentions(text, ctx.roster.schools);
  const own = mentions.filter((m) => mine.includes(m.school));
  const ownSchools = [...new Set(own.map((m) => m.school))];
  if (ownSchools.length > 1) throw new CodedError(ErrorCode.Usage, reportText.twoSchools(ownSchools));
  if (ownSchools.length === 1) return { school: ownSchools[0]!, rest: without(text, own) };
  const other = mentions[0];
  if (other) throw new CodedError(ErrorCode.NotYourSchool, reportText.notYourSchool(other.school.name, mine));
  if (mine.length === 1) return { school: mine[0]!, rest: text };
  for (const word of splitWords(text)) {
    if (/\d/u.test(word)) continue;
    // Among his own schools only: the roster is never scanned for a message.
    const matches = ctx.roster.search(word, mine);
    if (matches.length > 1) throw new CodedError(ErrorCode.Usage, reportText.ambiguousSchool(word, matches));
    const match = matches[0];
    if (match) {
      const at = text.indexOf(word);
      return { school: match, rest: without(text, [{ start: at, end: at + word.length }]) };
    }
  }
  throw new CodedError(ErrorCode.Usage, reportText.whichSchool(mine));
}
