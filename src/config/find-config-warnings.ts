import { text } from "./messages.js";
import { areaKey } from "./roster-tree.js";
import { reporterName, type Roster } from "./roster.js";
import { shortNameOf } from "./school.js";
import type { Config, ScheduleConfig } from "./schema.js";
import { slotMinutes } from "../time/slots.js";

/**
 * What `pingan check-config` warns about without failing: the config works as written, but the
 * admin should look. The other transport's bot lines (left over from switching), the example's public_url (export links would not open), one account bound to
 * schools in two areas or given two names (a typo in 上报人 is the likelier story), a leader or admin who is
 * also a school's reporter (his 平安 is filed as that school's report), and two reminders of a
 * task closer than the 提醒 cooldown (the later one would be held back as a repeat).
 */
export function findConfigWarnings(config: Pick<Config, "bot" | "bots" | "server" | "leaders" | "admins" | "tasks" | "limits">, roster: Roster): string[] {
  const warnings: string[] = [];
  // One bot takes callbacks or holds the long connection, never both: the other mode's lines are left over.
  const bots = config.bots?.map((bot, i) => [`bots.${i}`, bot] as const) ?? [["bot", config.bot] as const];
  for (const [section, bot] of bots) {
    const websocket = bot.transport === "websocket";
    const unused = websocket ? (["token", "encoding_aes_key"] as const) : (["bot_id", "secret"] as const);
    const leftOver = unused.filter((field) => bot[field] !== undefined);
    if (leftOver.length > 0) warnings.push(text.otherTransportLines(websocket ? "websocket" : "callback", leftOver, section));
  }
  const cooldown = config.limits.remind_cooldown_minutes;
  for (const [id, task] of Object.entries(config.tasks)) {
    if (!task?.enabled || cooldown === 0) continue;
    const schedules: [string, ScheduleConfig][] = [[`tasks.${id}`, task], ...(task.summer ? [[`tasks.${id}.summer`, task.summer] as [string, ScheduleConfig]] : [])];
    for (const [at, schedule] of schedules) {
      const sorted = [...schedule.reminders].sort((a, b) => slotMinutes(a) - slotMinutes(b));
      sorted.slice(1).forEach((later, i) => {
        if (slotMinutes(later) - slotMinutes(sorted[i]!) < cooldown) warnings.push(text.remindersWithinCooldown(at, sorted[i]!, later, cooldown));
      });
    }
  }
  const url = config.server.public_url;
  // RFC 2606 reserves the example names; config/pingan.example.yaml uses one.
  if (url && /(^|\.)example(\.|$)/u.test(new URL(url).hostname)) warnings.push(text.examplePublicUrl(url));
  const reporters = [...new Set(roster.schools.flatMap((school) => school.reporters))];
  for (const userid of reporters) {
    const schools = roster.schoolsOf(userid);
    // By path: two counties' 城关片区 are two areas.
    const areas = [...new Set(schools.map(areaKey))];
    if (areas.length > 1) warnings.push(text.accountInTwoAreas(userid, schools.map(shortNameOf), areas));
    // One account is one person: two names for it mean one row carries another person's account.
    const named = schools.flatMap((school) => {
      const name = reporterName(school, userid);
      return name ? [{ school: shortNameOf(school), name }] : [];
    });
    if (new Set(named.map(({ name }) => name)).size > 1) warnings.push(text.accountTwoNames(userid, named));
  }
  for (const person of [...config.leaders, ...config.admins]) {
    const schools = roster.schoolsOf(person.userid);
    if (schools.length > 0) warnings.push(text.leaderIsReporter(person.userid, person.name, schools.map(shortNameOf)));
  }
  return warnings.map(text.warning);
}
