import type { Roster, School } from "./roster.js";
import type { KeyPath, PathProblem } from "./problems.js";
import { text } from "./messages.js";
import { resolveGroupSchools } from "./scope.js";
import type { Config, ScheduleConfig, TaskConfig } from "./schema.js";
import { checkKinds } from "./check-kinds.js";
import { suggestClosest } from "./suggest-closest.js";
import { findNode, listNodePaths } from "./roster-tree.js";
import { isRosterColumn } from "./parse-roster.js";
import { checkScheduleSlots, parseSlot, slotMinutes, slotTimeMinutes, type ScheduleProblem } from "../time/slots.js";

const USERID = /^[A-Za-z0-9_.@-]+$/;

/**
 * The sections of the config that passed the schema (all of them when the whole config did).
 * Each check runs only when the sections it reads are present, so one bad section does not
 * hide the problems of the others, nor cause false ones.
 */
export type ConfigSections = Partial<Omit<Config, "tasks">> & { tasks?: Partial<Config["tasks"]> };

export interface CrossCheckOptions {
  /** Null when the roster could not be read: the checks against it are skipped. */
  roster: Roster | null;
  /** True for paths whose value must never be shown. */
  quiet(path: KeyPath): boolean;
}

/**
 * Checks that the schema cannot express: references between sections, the roster against the
 * groups, schedules that make sense (reminders before the deadline, tallies after it, pushes
 * inside working hours) and a calendar without impossible dates or overlaps.
 */
export function crossCheckConfig(config: ConfigSections, { roster, quiet }: CrossCheckOptions): PathProblem[] {
  const problems: PathProblem[] = [];
  const add = (path: KeyPath, message: string, hint?: string) => problems.push({ path, message, hint });
  const show = (path: KeyPath, value: string) => (quiet(path) ? undefined : value);
  const { timezone, groups, leaders, admins, working_hours: hours, calendar, tasks, weekly, late_note: lateNote } = config;

  if (timezone !== undefined) checkTimezone(timezone, add);
  if (config.bots) checkBots(config.bots, config.bot, groups, add, show);
  else if (config.bot) checkTransport(config.bot, ["bot"], add);
  if (groups) checkGroups(groups, viaBotOwner(config), add);
  if (leaders && admins) checkPeople(leaders, admins, add);
  if (leaders && config.incidents) checkOnDuty(config.incidents.on_duty, leaders, add);
  if (hours) checkWorkingHours(hours, add);
  if (calendar) checkCalendar(calendar, add);
  for (const [id, task] of Object.entries(tasks ?? {})) {
    if (!task) continue;
    checkTask(["tasks", id], task, { hours, calendar }, add);
    if (groups) checkGroupReference(groups, ["tasks", id, "tally_group"], task.tally_group, add, show);
  }
  if (tasks) checkKinds(tasks, add);
  if (weekly) {
    checkWeekly(weekly.at, tasks ?? {}, hours, add);
    if (groups) checkGroupReference(groups, ["weekly", "group"], weekly.group, add, show);
  }
  if (lateNote) {
    if (hours) checkPushTime(hours, ["late_note", "at"], lateNote.at, add);
    if (groups) checkGroupReference(groups, ["late_note", "group"], lateNote.group, add, show);
  }
  if (roster) checkNodes(config, roster, add, show);
  if (groups && roster) checkCoverage(groups, roster, add, show);
  if (tasks && roster) checkTaskSchools(tasks, roster, add, show);
  if (tasks) checkReporterRoles(tasks, roster, add);
  return problems;
}

type Groups = Config["groups"];
type Hours = Config["working_hours"];
type Calendar = Config["calendar"];
type Person = Config["leaders"][number];
type Add = (path: KeyPath, message: string, hint?: string) => void;
type Show = (path: KeyPath, value: string) => string | undefined;

function checkTimezone(timezone: string, add: Add): void {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: timezone });
  } catch {
    add(["timezone"], text.badTimezone(timezone), text.timezoneHint);
  }
}

/** Each transport needs its own credentials: the callback's Token and EncodingAESKey, or the long connection's BotID and Secret. */
function checkTransport(bot: Config["bot"], path: KeyPath, add: Add): void {
  const needed = bot.transport === "websocket" ? (["bot_id", "secret"] as const) : (["token", "encoding_aes_key"] as const);
  for (const key of needed) {
    if (bot[key] === undefined) add([...path, key], text.transportNeeds(bot.transport ?? "callback", key, path.length > 1 ? "" : "bot."), text.transportNeedsHint(key));
  }
}

type HostedBots = NonNullable<Config["bots"]>;

/**
 * Several bots: each with its transport's credentials, none sharing an id, a Token or a BotID
 * with another (a callback would verify against the wrong bot), each group served by one bot at
 * most, and each bot's node on the roster (checkNodes). `bot:` then holds only the default name.
 */
function checkBots(bots: HostedBots, bot: Config["bot"] | undefined, groups: Groups | undefined, add: Add, show: Show): void {
  if (bot && (["transport", "token", "encoding_aes_key", "bot_id", "secret"] as const).some((key) => bot[key] !== undefined)) add(["bot"], text.botAndBots, text.botAndBotsHint);
  const ids = new Map<string, string>();
  const tokens = new Map<string, string>();
  const botIds = new Map<string, string>();
  const owners = new Map<string, string>();
  bots.forEach((entry, index) => {
    const path = ["bots", index];
    checkTransport(entry, path, add);
    if (ids.has(entry.id)) add([...path, "id"], text.duplicateBotId(entry.id));
    ids.set(entry.id, entry.id);
    for (const [key, seen] of [["token", tokens], ["bot_id", botIds]] as const) {
      const value = entry[key];
      if (value === undefined) continue;
      const other = seen.get(value);
      if (other !== undefined) add([...path, key], text.sameBotCredential(key, other), text.sameBotCredentialHint);
      else seen.set(value, entry.id);
    }
    entry.groups.forEach((group, at) => {
      if (groups) checkGroupReference(groups, [...path, "groups", at], group, add, show);
      const other = owners.get(group);
      if (other !== undefined) add([...path, "groups", at], text.groupClaimedTwice(group, other), text.groupClaimedTwiceHint);
      else owners.set(group, entry.id);
    });
  });
}

/** Whether a group may be pushed to `via: bot`: with `bots:`, when a long-connection bot serves it; else when the one bot is on the long connection. */
function viaBotOwner(config: ConfigSections): (group: string) => Refusal | undefined {
  if (!config.bots) {
    const refusal = { message: text.viaBotNeedsWebsocket, hint: text.viaBotNeedsWebsocketHint };
    return () => (config.bot?.transport === "websocket" ? undefined : refusal);
  }
  const served = new Set(config.bots.filter((entry) => entry.transport === "websocket").flatMap((entry) => entry.groups));
  return (group) => (served.has(group) ? undefined : { message: text.viaBotNeedsOwner, hint: text.viaBotNeedsOwnerHint });
}

interface Refusal {
  message: string;
  hint: string;
}

function checkGroups(groups: Groups, viaBotRefused: (group: string) => Refusal | undefined, add: Add): void {
  const entries = Object.entries(groups);
  if (!entries.some(([, group]) => group.role === "leaders")) {
    add(["groups"], text.noLeadersGroup, text.noLeadersGroupHint);
  }
  for (const [id, group] of entries) {
    if (group.via === "bot") {
      const refused = viaBotRefused(id);
      if (refused !== undefined) add(["groups", id, "via"], refused.message, refused.hint);
      if (group.chatid === undefined) add(["groups", id, "chatid"], text.viaBotNeedsChatid, text.viaBotNeedsChatidHint);
      continue;
    }
    if (group.webhook_key === undefined) {
      add(["groups", id, "webhook_key"], text.webhookKeyMissing, text.webhookKeyMissingHint);
    } else if (/^https?:|key=|\s/.test(group.webhook_key)) {
      add(["groups", id, "webhook_key"], text.webhookKeyIsUrl, text.webhookKeyIsUrlHint);
    }
  }
}

function checkGroupReference(groups: Groups, path: KeyPath, name: string, add: Add, show: Show): void {
  if (Object.hasOwn(groups, name)) return;
  const ids = Object.keys(groups);
  const guess = suggestClosest(name, ids);
  add(path, text.unknownGroup(show(path, name)), guess ? text.didYouMean(guess) : text.validGroups(ids));
}

function checkPeople(leaders: readonly Person[], admins: readonly Person[], add: Add): void {
  if (leaders.length === 0 && admins.length === 0) {
    add(["leaders"], text.noLeadersOrAdmins, text.noLeadersOrAdminsHint);
  }
  for (const [key, list] of [["leaders", leaders], ["admins", admins]] as const) {
    const seen = new Set<string>();
    list.forEach((person, index) => {
      const path = [key, index, "userid"];
      if (!USERID.test(person.userid)) add(path, text.badUserid(person.userid), text.useridHint);
      else if (seen.has(person.userid)) add(path, text.duplicateUserid(person.userid));
      seen.add(person.userid);
    });
  }
}

/** An escalation @-mentions the leaders on duty: each must be one of the leaders. */
function checkOnDuty(onDuty: readonly string[], leaders: readonly Person[], add: Add): void {
  const ids = leaders.map((person) => person.userid);
  onDuty.forEach((userid, index) => {
    if (!ids.includes(userid)) add(["incidents", "on_duty", index], text.onDutyNotLeader(userid), text.onDutyHint(ids));
  });
}

function checkWorkingHours({ start, end }: Hours, add: Add): void {
  if (minutesOf(start) >= minutesOf(end)) {
    add(["working_hours"], text.workingHoursReversed(start, end), text.workingHoursHint);
  }
}

interface DateRangeAt {
  path: KeyPath;
  label: string;
  start: string;
  end: string;
}

function checkCalendar(calendar: Calendar, add: Add): void {
  const ranges: DateRangeAt[] = [];
  const collect = (list: readonly { start: string; end: string; name?: string }[], key: string) =>
    list.forEach((range, index) => {
      const path = ["calendar", key, index];
      let valid = true;
      for (const side of ["start", "end"] as const) {
        if (!isRealDate(range[side])) {
          add([...path, side], text.noSuchDate(range[side]), text.dateHint);
          valid = false;
        }
      }
      if (!valid) return;
      if (range.start > range.end) add(path, text.rangeReversed(range.start, range.end), text.rangeHint);
      else ranges.push({ path, label: range.name ?? `${range.start}～${range.end}`, start: range.start, end: range.end });
    });
  collect(calendar.terms, "terms");
  collect(calendar.summer_holiday, "summer_holiday");
  collect(calendar.winter_holiday, "winter_holiday");
  for (let i = 0; i < ranges.length; i++) {
    for (let j = 0; j < i; j++) {
      const a = ranges[j]!;
      const b = ranges[i]!;
      if (a.start <= b.end && b.start <= a.end) add(b.path, text.rangesOverlap(b.label, a.label), text.rangesOverlapHint);
    }
  }
  const names = new Set<string>();
  calendar.terms.forEach((term, index) => {
    if (names.has(term.name)) add(["calendar", "terms", index, "name"], text.duplicateTermName(term.name));
    names.add(term.name);
  });
  for (const key of ["holidays", "workdays"] as const) {
    calendar[key].forEach((date, index) => {
      if (!isRealDate(date)) add(["calendar", key, index], text.noSuchDate(date), text.dateHint);
    });
  }
  const holidays = new Set(calendar.holidays);
  calendar.workdays.forEach((date, index) => {
    if (holidays.has(date)) add(["calendar", "workdays", index], text.holidayAndWorkday(date));
  });
}

function checkTask(
  path: KeyPath,
  task: TaskConfig,
  { hours, calendar }: { hours: Hours | undefined; calendar: Calendar | undefined },
  add: Add,
): void {
  checkSchedule(path, task, hours, add);
  if (task.summer) {
    checkSchedule([...path, "summer"], task.summer, hours, add);
    if (calendar && calendar.summer_holiday.length === 0) {
      add([...path, "summer"], text.summerWithoutHoliday, text.summerWithoutHolidayHint);
    }
    if (task.days === "school") add([...path, "days"], text.summerOnSchoolDays, text.summerOnSchoolDaysHint);
  }
  if (task.season) {
    for (const side of ["start", "end"] as const) {
      const monthDay = task.season[side];
      if (!isRealDate(`2024-${monthDay}`)) add([...path, "season", side], text.noSuchDate(monthDay), text.monthDayHint);
    }
  }
}

const SCHEDULE_MESSAGES: Record<ScheduleProblem["kind"], (p: ScheduleProblem, s: ScheduleConfig) => [string, string?]> = {
  weekly_needs_day: (p) => [text.weeklySlotNeedsDay(p.spec), text.weeklySlotHint],
  monthly_needs_date: (p) => [text.monthlySlotNeedsDate(p.spec), text.monthlySlotHint],
  daily_has_day: (p) => [text.dailySlotHasDay(p.spec), text.dailySlotHint],
  reminder_not_before_deadline: (p, s) => [text.reminderNotBeforeDeadline(p.spec, s.deadline), text.reminderHint],
  duplicate_reminder: (p) => [text.duplicateReminder(p.spec)],
  tally_not_after_deadline: (p, s) => [text.tallyNotAfterDeadline(p.spec, s.deadline), text.tallyHint],
};

function checkSchedule(path: KeyPath, schedule: ScheduleConfig, hours: Hours | undefined, add: Add): void {
  const problems = checkScheduleSlots(schedule);
  const report = (p: ScheduleProblem) => {
    const [message, hint] = SCHEDULE_MESSAGES[p.kind](p, schedule);
    add([...path, p.slot, ...(p.index === undefined ? [] : [p.index])], message, hint);
  };
  const shapeOk = !problems.some((p) => p.kind === "weekly_needs_day" || p.kind === "monthly_needs_date" || p.kind === "daily_has_day");
  // Each time's problems together, in the order the times are written.
  problems.filter((p) => p.slot === "deadline").forEach(report);
  schedule.reminders.forEach((reminder, index) => {
    problems.filter((p) => p.slot === "reminders" && p.index === index).forEach(report);
    if (hours && shapeOk) checkPushTime(hours, [...path, "reminders", index], reminder, add);
  });
  if (schedule.tally) {
    problems.filter((p) => p.slot === "tally").forEach(report);
    if (hours && shapeOk) checkPushTime(hours, [...path, "tally"], schedule.tally, add);
  }
}

function checkWeekly(at: string, tasks: Partial<Config["tasks"]>, hours: Hours | undefined, add: Add): void {
  if (parseSlot(at).weekday === undefined) {
    add(["weekly", "at"], text.weeklySlotNeedsDay(at), text.weeklyAtHint);
    return;
  }
  if (hours) checkPushTime(hours, ["weekly", "at"], at, add);
  for (const task of Object.values(tasks)) {
    if (!task?.enabled || task.period !== "week" || parseSlot(task.deadline).weekday === undefined) continue;
    if (slotMinutes(at) < slotMinutes(task.deadline)) {
      add(["weekly", "at"], text.weeklyBeforeDeadline(at, task.name, task.deadline), text.weeklyAtHint);
    }
  }
}

function checkPushTime({ start, end }: Hours, path: KeyPath, slot: string, add: Add): void {
  const minutes = slotTimeMinutes(slot);
  if (minutes < minutesOf(start) || minutes > minutesOf(end)) {
    add(path, text.outsideWorkingHours(slot, start, end), text.outsideWorkingHoursHint);
  }
}

/** Every `node` a leader, admin, group or bot is bound to is a node of the roster. */
function checkNodes({ leaders, admins, groups, bots }: ConfigSections, roster: Roster, add: Add, show: Show): void {
  const bound: [KeyPath, string | undefined][] = [
    ...(bots ?? []).map((bot, i): [KeyPath, string | undefined] => [["bots", i, "node"], bot.node]),
    ...(leaders ?? []).map((person, i): [KeyPath, string | undefined] => [["leaders", i, "node"], person.node]),
    ...(admins ?? []).map((person, i): [KeyPath, string | undefined] => [["admins", i, "node"], person.node]),
    ...Object.entries(groups ?? {}).map(([id, group]): [KeyPath, string | undefined] => [["groups", id, "node"], group.node]),
  ];
  const paths = listNodePaths(roster.root);
  for (const [path, node] of bound) {
    if (node === undefined || findNode(roster.root, node)) continue;
    const guess = suggestClosest(node, paths);
    add(path, text.unknownNode(show(path, node)), guess ? text.didYouMean(guess) : text.validNodes(paths));
  }
  // One account sees one node (scope.ts reads his leaders entry first): an admin entry bound elsewhere would be silently ignored.
  (admins ?? []).forEach((admin, i) => {
    const leader = leaders?.find((person) => person.userid === admin.userid);
    const [asLeader, asAdmin] = [leader && findNode(roster.root, leader.node), findNode(roster.root, admin.node)];
    // A node the roster lacks is told above.
    if (leader && asLeader && asAdmin && asLeader !== asAdmin) {
      add(["admins", i, "node"], text.twoNodes(admin.userid, leader.node, admin.node), text.twoNodesHint);
    }
  });
}

/** Each entry of a task's `schools` names a 片区, a 学段 or a 学校代码 of the roster. */
function checkTaskSchools(tasks: Partial<Config["tasks"]>, roster: Roster, add: Add, show: Show): void {
  const names = [...new Set(roster.schools.flatMap((school) => [school.area, school.stage]))];
  const known = new Set([...names, ...roster.schools.map((school) => school.code)]);
  for (const [id, task] of Object.entries(tasks)) {
    if (!task || task.schools === "all") continue;
    task.schools.forEach((entry, index) => {
      if (known.has(entry)) return;
      const path = ["tasks", id, "schools", index];
      const guess = suggestClosest(entry, [...known]);
      add(path, text.unknownTaskSchools(show(path, entry)), guess ? text.didYouMean(guess) : text.validTaskSchools(names));
    });
  }
}

/** A kind's `reporters` names a role column the roster holds, never one of its fixed columns. */
function checkReporterRoles(tasks: Partial<Config["tasks"]>, roster: Roster | null, add: Add): void {
  for (const [id, task] of Object.entries(tasks)) {
    const role = task?.reporters;
    if (typeof role !== "string") continue;
    const path = ["tasks", id, "reporters"];
    if (isRosterColumn(role)) add(path, text.roleIsRosterColumn(role), text.roleIsRosterColumnHint);
    else if (roster && !roster.roles.includes(role)) add(path, text.roleNotInRoster(role), text.roleNotInRosterHint(role));
  }
}

function checkCoverage(groups: Groups, roster: Roster, add: Add, show: Show): void {
  const areas = [...new Set(roster.schools.map((school) => school.area))];
  const schoolGroups = Object.entries(groups).filter(([, group]) => group.role === "schools");
  if (schoolGroups.length === 0) {
    add(["groups"], text.noSchoolsGroup, text.noSchoolsGroupHint);
    return;
  }
  const covered = new Set<School>();
  for (const [id, group] of schoolGroups) {
    const { schools, unknown } = resolveGroupSchools(group, roster);
    for (const school of schools) covered.add(school);
    for (const index of unknown) {
      const entry = (group.schools as readonly string[])[index]!;
      const path = ["groups", id, "schools", index];
      const guess = suggestClosest(entry, [...areas, ...roster.schools.map((school) => school.code)]);
      add(path, text.unknownAreaOrCode(show(path, entry)), guess ? text.didYouMean(guess) : text.validAreas(areas));
    }
  }
  const missing = roster.schools.filter((school) => !covered.has(school));
  if (missing.length > 0) {
    const missingAreas = [...new Set(missing.map((school) => school.area))];
    add(["groups"], text.schoolsNotInAnyGroup(missing.map((school) => school.name)), text.schoolsNotInAnyGroupHint(missingAreas));
  }
}

function minutesOf(clock: string): number {
  const [hours, minutes] = clock.split(":").map(Number);
  return hours! * 60 + minutes!;
}

function isRealDate(iso: string): boolean {
  const [year, month, day] = iso.split("-").map(Number);
  const date = new Date(Date.UTC(year!, month! - 1, day!));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month! - 1 && date.getUTCDate() === day;
}
