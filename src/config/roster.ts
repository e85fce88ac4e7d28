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
  /** 学段, e.g. 小学 / 初中. */
  stage: string;
  /** WeCom userids allowed to report for this school. */
  reporters: readonly string[];
  pupils: number;
  staff: number;
  /** 1-based line of the CSV the school came from. */
  line: number;
}

/** The roster with the look-ups the bot needs. */
export interface Roster {
  readonly schools: readonly School[];
  /** Schools a WeCom user reports for (empty when the user is not a reporter). */
  schoolsOf(userid: string): readonly School[];
  /** A school by code, full name or short name (after NFKC); undefined when none matches. */
  find(nameOrCode: string): School | undefined;
  byCode(code: string): School | undefined;
}

export function createRoster(schools: readonly School[]): Roster {
  const byUser = new Map<string, School[]>();
  const byKey = new Map<string, School>();
  const codes = new Map<string, School>();
  for (const school of schools) {
    codes.set(school.code, school);
    for (const key of [school.code, school.name, school.shortName]) {
      if (key) byKey.set(key.normalize("NFKC"), school);
    }
    for (const userid of school.reporters) {
      const list = byUser.get(userid) ?? [];
      list.push(school);
      byUser.set(userid, list);
    }
  }
  return Object.freeze({
    schools: Object.freeze([...schools]),
    schoolsOf: (userid: string) => byUser.get(userid) ?? [],
    find: (text: string) => byKey.get(text.normalize("NFKC").trim()),
    byCode: (code: string) => codes.get(code),
  });
}
