import type { Config } from "./schema.js";
import { buildRosterTree, isUnder, type RosterNode } from "./roster-tree.js";
import type { School } from "./school.js";
import { escapeUserText } from "../text/user-text.js";

export type { School } from "./school.js";

/** A person the roster lists, in a school's 上报人 column or one of its role columns (校医). */
export interface RosterPerson {
  /** The schools whose 上报人 he is (empty for a role's person only). */
  readonly schools: readonly School[];
  /** His name as the roster gives it, if it gives one. */
  readonly name?: string;
}

/** The roster with the look-ups the bot needs. */
export interface Roster {
  readonly schools: readonly School[];
  /** Every school's code, name and short name (after NFKC): text that names a school, never a command. */
  readonly identifiers: readonly string[];
  /** The school each of `identifiers` names (a message's names, found once, are read back to their schools). */
  readonly byIdentifier: ReadonlyMap<string, School>;
  /**
   * Schools a WeCom user reports for (empty when the user is not a reporter); with `role`, the
   * schools whose column of that role names him (scope.ts schoolsReportedBy decides which).
   */
  schoolsOf(userid: string, role?: string): readonly School[];
  /**
   * Everyone the whole roster lists, by account (a node's part holds the same, as `identifiers`):
   * who reports at all, for which schools, by what name. The dispatcher reads it once per message.
   */
  readonly people: ReadonlyMap<string, RosterPerson>;
  /** The role columns the roster holds (校医), of those the config declares. */
  readonly roles: readonly string[];
  /** Whether the user is in any school's role column. */
  inRole(userid: string): boolean;
  /** A school by code, full name or short name (after NFKC); undefined when none matches. */
  find(nameOrCode: string): School | undefined;
  /**
   * The schools a word may mean: the one it names exactly (see `find`), else every school whose
   * name or short name contains it (two characters or more: 枫林 → 枫林小学, 岭头小学); only
   * `among` when given (a reporter's own schools: a message never scans the roster).
   */
  search(word: string, among?: readonly School[]): School[];
  byCode(code: string): School | undefined;
  /** A reporter's or role person's name as the roster gives it; undefined when it gives none. */
  nameOf(userid: string): string | undefined;
  /** A school's name as replies show it (escapeUserText), escaped once when the roster is made. */
  shownName(school: School): string;
  /** The node of the roster's tree these schools are: the root for the whole roster. */
  readonly node: RosterNode;
  /** The whole roster's tree, whose paths the config's `node` names (scope.ts). */
  readonly root: RosterNode;
  /**
   * The roster of a node's schools only (one per node, kept): what a leader or group bound to
   * the node is given, so that every command, tally and push reads its part and nothing else.
   */
  within(node: RosterNode): Roster;
}

/** The name the roster gives one of a school's reporters or role people (its 校医), if any. */
export function reporterName(school: School, userid: string): string | undefined {
  const index = school.reporters.indexOf(userid);
  if (index >= 0 && school.reporterNames?.[index]) return school.reporterNames[index];
  for (const [role, people] of Object.entries(school.roles ?? {})) {
    const name = school.roleNames?.[role]?.[people.indexOf(userid)];
    if (name) return name;
  }
  return undefined;
}

/**
 * Whether the task's `schools` name the school (its 片区, 学段 or 学校代码); every school when the
 * task names none. Scopes (scope.ts) and the check-in ask it of the school in hand.
 */
export function isAssigned(period: { readonly schools?: readonly string[] | undefined }, school: Pick<School, "code" | "area" | "stage">): boolean {
  const { schools } = period;
  return schools === undefined || schools.includes(school.code) || schools.includes(school.area) || schools.includes(school.stage);
}

/** Whether the school's 上报人 or one of its role columns lists the user. */
function listsPerson(school: School, userid: string): boolean {
  return school.reporters.includes(userid) || Object.values(school.roles ?? {}).some((people) => people.includes(userid));
}

/**
 * Whoever acted on a school's report, by name: a leader or admin as the config names him, else
 * one of the school's reporters as the roster does; undefined when neither gives a name.
 */
export function personName(userid: string, people: Pick<Config, "leaders" | "admins">, school?: School): string | undefined {
  const named = people.leaders.find((p) => p.userid === userid) ?? people.admins.find((p) => p.userid === userid);
  return named?.name ?? (school && reporterName(school, userid));
}

/** Beside an account no longer listed: reports outlive the roster row or config entry of whoever sent them. */
const NOT_LISTED = "（已不在名单）";

/**
 * Whoever acted on a school's report, as people are shown him everywhere (历史, the ledger, the
 * board, 汇总's 代报 lines, the card): his name (personName, through `showName`, which escapes it
 * where it needs to); the account where he is listed without a name; the account marked
 * 已不在名单 where neither the config nor the school's reporters list him any more.
 */
export function personLabel(
  userid: string,
  people: Pick<Config, "leaders" | "admins">,
  school?: School,
  showName: (name: string) => string = (name) => name,
): string {
  const name = personName(userid, people, school);
  if (name) return showName(name);
  const listed = [...people.leaders, ...people.admins].some((p) => p.userid === userid) || (school !== undefined && listsPerson(school, userid));
  return listed ? userid : `${userid}${NOT_LISTED}`;
}

/** Each node's part of its roster, made once: a node is made once per roster read (buildRosterTree). */
const rostersOf = new WeakMap<RosterNode, Roster>();

/** The roster of these schools, the root of their tree. */
export function createRoster(schools: readonly School[]): Roster {
  const root = buildRosterTree(schools);
  const people = new Map<string, { schools: School[]; name?: string }>();
  /** The person with this account, listed once, with the first name a school gives him. */
  const listed = (userid: string, school: School) => {
    const person = people.get(userid) ?? { schools: [] };
    people.set(userid, person);
    person.name ??= reporterName(school, userid);
    return person;
  };
  const byKey = new Map<string, School>();
  const codes = new Map<string, School>();
  // By role, then account: few roles, and a role's people are few per school.
  const byRole = new Map<string, Map<string, School[]>>();
  for (const school of schools) {
    for (const [role, userids] of Object.entries(school.roles ?? {})) {
      const holders = byRole.get(role) ?? new Map<string, School[]>();
      byRole.set(role, holders);
      for (const userid of userids) {
        holders.set(userid, [...(holders.get(userid) ?? []), school]);
        listed(userid, school);
      }
    }
    codes.set(school.code, school);
    for (const key of [school.code, school.name, school.shortName]) {
      if (key) byKey.set(key.normalize("NFKC"), school);
    }
    for (const userid of school.reporters) listed(userid, school).schools.push(school);
  }
  const find = (text: string) => byKey.get(text.normalize("NFKC").trim());
  const shownNames = new Map(schools.map((school) => [school, escapeUserText(school.name)]));
  const roster: Roster = Object.freeze({
    schools: Object.freeze([...schools]),
    identifiers: Object.freeze([...byKey.keys()]),
    byIdentifier: byKey,
    schoolsOf: (userid: string, role?: string) => (role === undefined ? people.get(userid)?.schools : byRole.get(role)?.get(userid)) ?? [],
    people,
    roles: Object.freeze([...byRole.keys()]),
    inRole: (userid: string) => [...byRole.values()].some((holders) => holders.has(userid)),
    find,
    search(word: string, among = schools) {
      const exact = find(word);
      if (exact) return among.includes(exact) ? [exact] : [];
      const part = word.normalize("NFKC").trim();
      if ([...part].length < 2) return [];
      return among.filter((school) => school.name.includes(part) || (school.shortName !== "" && school.shortName.includes(part)));
    },
    byCode: (code: string) => codes.get(code),
    nameOf: (userid: string) => people.get(userid)?.name,
    shownName: (school: School) => shownNames.get(school) ?? escapeUserText(school.name),
    node: root,
    root,
    within(part: RosterNode): Roster {
      // A node that holds every school (a province's deployment's one province) is the whole roster.
      if (part === root || part.schools.length === root.schools.length) return roster;
      return rostersOf.get(part) ?? partOf(roster, part);
    },
  });
  return roster;
}

/**
 * A node's part of `whole`: the whole roster's look-ups, kept to the node's schools. It holds no
 * maps of its own, so a province's 110 nodes cost no more memory than its one roster.
 */
function partOf(whole: Roster, part: RosterNode): Roster {
  const holds = (school: School | undefined) => (school && isUnder(part, school) ? school : undefined);
  const scoped: Roster = Object.freeze({
    schools: part.schools,
    identifiers: whole.identifiers,
    byIdentifier: whole.byIdentifier,
    schoolsOf: (userid: string, role?: string) => whole.schoolsOf(userid, role).filter((school) => isUnder(part, school)),
    people: whole.people,
    roles: whole.roles,
    inRole: whole.inRole,
    find: (text: string) => holds(whole.find(text)),
    search: (word: string, among: readonly School[] = part.schools) => whole.search(word, among),
    byCode: (code: string) => holds(whole.byCode(code)),
    nameOf: whole.nameOf,
    shownName: whole.shownName,
    node: part,
    root: whole.root,
    within: (other: RosterNode) => whole.within(other),
  });
  rostersOf.set(part, scoped);
  return scoped;
}
