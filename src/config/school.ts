import { escapeUserText } from "../text/user-text.js";

/** One school of the roster CSV. */
export interface School {
  /** 学校代码, unique. */
  code: string;
  /** 学校名称, unique. */
  name: string;
  /** 简称, unique when present. */
  shortName: string;
  /** 片区. */
  area: string;
  /** The levels above the 片区, where the roster gives them (a county's roster leaves them out): 省, 市, 县（区）. */
  province?: string;
  city?: string;
  county?: string;
  /** 学段, e.g. 小学 / 初中. */
  stage: string;
  /** WeCom userids allowed to report for this school. */
  reporters: readonly string[];
  /** The reporters' names (上报人姓名), in the order of `reporters`; "" where the roster gives none. */
  reporterNames?: readonly string[];
  pupils: number;
  staff: number;
  /**
   * The accounts of each role column the config declares (`tasks.<id>.reporters: 校医`), by the
   * role's name: every school has each column the roster holds, empty where its cell is.
   */
  roles?: Readonly<Record<string, readonly string[]>>;
  /** Each role's names (校医姓名), in the order of its `roles` accounts, as `reporterNames` is. */
  roleNames?: Readonly<Record<string, readonly string[]>>;
  /** 1-based line of the CSV the school came from. */
  line: number;
  /**
   * The day it first appeared on the roster, when that came after the service's first day (kept
   * in Redis, store/roster-days.ts): it owes nothing before (tally/task-tally.ts whyNotOwed).
   */
  joined?: string;
}

/**
 * The largest figure a school is counted by, in the roster (学生数) or in a report (实到, 发热):
 * a million, far above any school, and far inside what the counts can keep (they are added up
 * in Redis scripts, whose numbers print as integers only below 10^14, over up to 100,000 schools).
 */
export const MAX_SCHOOL_FIGURE = 1_000_000;

/** Whether a figure is more than any school counts: the one test, for the roster and every reader. */
export const tooLargeForASchool = (value: number): boolean => value > MAX_SCHOOL_FIGURE;

/** What a school is called where space is short (lists, buttons, examples): its 简称, its name when it has none. */
export function shortNameOf(school: Pick<School, "name" | "shortName">): string {
  return school.shortName || school.name;
}

/** shortNameOf as markdown shows it: typed by an admin, so escaped (text/user-text.ts). */
export function shownShortNameOf(school: Pick<School, "name" | "shortName">): string {
  return escapeUserText(shortNameOf(school));
}
