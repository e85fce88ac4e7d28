import type { Roster, School } from "../../config/roster.js";
import { CodedError, ErrorCode } from "../../errors.js";
import { reportText } from "../check-in/report-text.js";
import { leaderText } from "./leader-text.js";

/**
 * The school a leader names (代报, 免报, 历史, 收到): by code, name or short name, or by a part
 * of a name that only one school has (岭头); a part several share (枫林) is refused listing them.
 * His roster is his node's: a school of the whole roster outside it, named exactly, is refused
 * as not his (nothing of it told), never as unknown. A refusal quotes the word as he typed it (`typed`).
 */
export function findSchool(roster: Pick<Roster, "search" | "node" | "root" | "within">, word: string, typed: string): School {
  const matches = roster.search(word);
  if (matches.length > 1) throw new CodedError(ErrorCode.Usage, reportText.ambiguousSchool(typed, matches));
  if (matches[0]) return matches[0];
  if (roster.node !== roster.root && roster.within(roster.root).find(word)) throw new CodedError(ErrorCode.NotYourSchool, leaderText.outsideNode(typed, roster.node.name));
  throw new CodedError(ErrorCode.Usage, leaderText.unknownSchool(typed));
}
