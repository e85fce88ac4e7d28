import { CodedError, ErrorCode } from "../../errors.js";
import { reportText, type ReplyVoice } from "./report-text.js";

/** Far off the roster: refused beyond twice its figure, noted beyond 10 % either way. */
const MAX_FACTOR = 2;
const NOTE_SHARE = 0.1;

/**
 * A figure the roster also gives (在校 against its pupils, 应到 against its staff), as every
 * reader checks it: refused beyond twice the roster's (a typo, or the wrong school), noted
 * in `notes` when more than 10 % off either way (the roster may be out of date).
 */
export function checkAgainstRoster(value: number, roster: number, what: string, rosterWhat: string, voice: ReplyVoice, notes: string[]): void {
  if (value > Math.max(roster, 1) * MAX_FACTOR) {
    throw new CodedError(ErrorCode.Usage, reportText.overTwiceRoster(what, value, voice.school, rosterWhat, roster));
  }
  if (Math.abs(value - roster) > roster * NOTE_SHARE) notes.push(reportText.rosterNote(voice.school, rosterWhat, roster));
}
