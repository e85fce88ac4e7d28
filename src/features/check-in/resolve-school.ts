import type { CommandContext } from "../../bot/command.js";
import { splitWords } from "../../bot/words.js";
import { ErrorCode, UsageError, UserError } from "../../errors.js";
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
  const all: Mention[] = [];
  for (const school of schools) {
    for (const id of [school.name, school.shortName]) {
      const key = id.normalize("NFKC").toLowerCase();
      if (!key) continue;
      for (let at = lower.indexOf(key); at >= 0; at = lower.indexOf(key, at + 1)) all.push({ school, start: at, end: at + key.length });
    }
    const code = new RegExp(`(?<![a-z0-9])${escapeRegExp(school.code.toLowerCase())}(?![a-z0-9])`, "gu");
    for (const m of lower.matchAll(code)) all.push({ school, start: m.index, end: m.index + m[0].length });
  }
  all.sort((a, b) => b.end - b.start - (a.end - a.start) || a.start - b.start);
  const kept: Mention[] = [];
  for (const m of all) if (!kept.some((k) => m.start < k.end && k.start < m.end)) kept.push(m);
  return kept.sort((a, b) => a.start - b.start);
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** `text` without the spans, each replaced by a space. */
const without = (text: string, spans: readonly { start: number; end: number }[]) =>
  [...spans].sort((a, b) => b.start - a.start).reduce((rest, s) => `${rest.slice(0, s.start)} ${rest.slice(s.end)}`, text);

/** `text` with every school name, short name and code blanked (same length): words in them are no command's. */
export function blankSchoolNames(text: string, roster: Pick<Roster, "schools">): string {
  return findMentions(text, roster.schools).reduce((rest, m) => rest.slice(0, m.start) + " ".repeat(m.end - m.start) + rest.slice(m.end), text);
}

/**
 * The school a reporter's message is for, and the message's words without its name. A reporter
 * of one school needs not name it; one of several names it anywhere in the message, by name,
 * short name, code, or a part of a name only one of his schools has (岭头); a part several of
 * them share (枫林) is asked about, listing them. A school that is not the sender's is refused.
 */
export function resolveSchool(ctx: Pick<CommandContext, "schools" | "roster">, text: string): { school: School; rest: string } {
  const mine = ctx.schools;
  if (mine.length === 0) throw new UserError(ErrorCode.NotReporter, reportText.notAReporter);
  const mentions = findMentions(text, ctx.roster.schools);
  const own = mentions.filter((m) => mine.includes(m.school));
  const ownSchools = [...new Set(own.map((m) => m.school))];
  if (ownSchools.length > 1) throw new UsageError(reportText.twoSchools(ownSchools));
  if (ownSchools.length === 1) return { school: ownSchools[0]!, rest: without(text, own) };
  const other = mentions[0];
  if (other) throw new UserError(ErrorCode.NotYourSchool, reportText.notYourSchool(other.school.name, mine));
  if (mine.length === 1) return { school: mine[0]!, rest: text };
  for (const word of splitWords(text)) {
    if (/\d/u.test(word)) continue;
    const matches = ctx.roster.search(word).filter((school) => mine.includes(school));
    if (matches.length > 1) throw new UsageError(reportText.ambiguousSchool(word, matches));
    const match = matches[0];
    if (match) {
      const at = text.indexOf(word);
      return { school: match, rest: without(text, [{ start: at, end: at + word.length }]) };
    }
  }
  throw new UsageError(reportText.whichSchool(mine));
}
