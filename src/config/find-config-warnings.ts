import { text } from "./messages.js";
import type { Roster } from "./roster.js";
import type { Config } from "./schema.js";

/**
 * What `pingan check-config` warns about without failing: the config works as written, but the
 * admin should look. The example's public_url (export links would not open), one account bound to
 * schools in two areas (a typo in 上报人 is the likelier story), and a leader or admin who is
 * also a school's reporter (his 平安 is filed as that school's report).
 */
export function findConfigWarnings(config: Pick<Config, "server" | "leaders" | "admins">, roster: Roster): string[] {
  const warnings: string[] = [];
  const url = config.server.public_url;
  // RFC 2606 reserves the example names; config/pingan.example.yaml uses one.
  if (url && /(^|\.)example(\.|$)/u.test(new URL(url).hostname)) warnings.push(text.examplePublicUrl(url));
  const reporters = [...new Set(roster.schools.flatMap((school) => school.reporters))];
  for (const userid of reporters) {
    const schools = roster.schoolsOf(userid);
    const areas = [...new Set(schools.map((school) => school.area))];
    if (areas.length > 1) warnings.push(text.accountInTwoAreas(userid, schools.map((s) => s.shortName || s.name), areas));
  }
  for (const person of [...config.leaders, ...config.admins]) {
    const schools = roster.schoolsOf(person.userid);
    if (schools.length > 0) warnings.push(text.leaderIsReporter(person.userid, person.name, schools.map((s) => s.shortName || s.name)));
  }
  return warnings.map(text.warning);
}
