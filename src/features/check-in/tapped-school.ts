import type { Roster, School } from "../../config/roster.js";
import { cardText } from "./card-text.js";

/**
 * The school a card tap reports for: the one its key names, when it is among the tapper's;
 * else his only school. `choose` when he has several and the key names none; `refusal` (the
 * card's text) when the key names a school that is not his.
 */
export function tappedSchool(ctx: { schools: readonly School[]; roster: Roster }, code: string | undefined): { school: School } | { refusal: string } | "choose" {
  if (code !== undefined) {
    const mine = ctx.schools.find((s) => s.code === code);
    return mine ? { school: mine } : { refusal: cardText.notYourSchool(ctx.roster.byCode(code)?.name ?? code, ctx.schools) };
  }
  return ctx.schools.length === 1 ? { school: ctx.schools[0]! } : "choose";
}
