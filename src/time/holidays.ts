import { dirname, join } from "node:path";
import { LineCounter, parseDocument } from "yaml";
import { z } from "zod";
import { ErrorCode } from "../errors.js";
import { createKeyLineFinder } from "../config/find-key-line.js";
import { projectPath } from "../config/project-path.js";
import { readInputFile } from "../config/read-input-file.js";
import { calendarError } from "./calendar-error.js";
import { diffDays, getWeekday, isValidLocalDate, listDates, type LocalDate } from "./local-time.js";

/**
 * The State Council's yearly arrangements (放假调休安排) of mainland China, as loaded from the data
 * files: the bundled one and the one `pingan holidays import` writes beside the config.
 */
export interface HolidayData {
  /** Every day off of a holiday block (weekends inside the block included) → festival name. */
  readonly holidays: ReadonlyMap<LocalDate, string>;
  /** Make-up workdays (调休上班, always a Saturday or Sunday) → festival name. */
  readonly workdays: ReadonlyMap<LocalDate, string>;
  /** The years with an arrangement (a section in either file), ascending. */
  readonly years: readonly number[];
}

/** The data file shipped with pingan (`config/holidays-cn.yaml`). */
export const BUILT_IN_HOLIDAYS_PATH = projectPath("config/holidays-cn.yaml");

/**
 * Where `pingan holidays import` stores the notices it read, and where the service looks for them
 * at start: `holidays.yaml` in the config file's directory (same format as the bundled file).
 */
export function importedHolidaysPath(configPath: string): string {
  return join(dirname(configPath), "holidays.yaml");
}

/** A holiday block cannot be longer than this; a longer one is a typo. */
const MAX_BLOCK_DAYS = 15;

const date = z.string({ error: "日期写成 YYYY-MM-DD，例如 2026-10-01" });
const festival = z.strictObject({
  name: z.string({ error: "写节日名称，例如 name: 国庆节" }).min(1),
  holidays: z.strictObject(
    { start: date, end: date },
    { error: "写放假起止日期，例如 holidays: { start: 2026-10-01, end: 2026-10-07 }" },
  ),
  workdays: z.array(date, { error: "调休上班日写成列表，例如 workdays: [2026-09-20, 2026-10-10]" }).default([]),
});
const year = z.strictObject({
  source: z.string().optional(),
  festivals: z.array(festival, { error: "每年写一个 festivals: 列表" }),
});
const file = z.record(z.string(), year, { error: "文件应当按年份分节，例如 \"2026\": { festivals: [...] }" });

/**
 * The bundled data and, when the file exists, the imported one (see importedHolidaysPath). A year
 * in the imported file replaces the bundled year. Throws a HOLIDAY_DATA error (calendarError) naming the file of every
 * problem.
 */
export async function loadHolidayData({ builtIn = BUILT_IN_HOLIDAYS_PATH, imported }: { builtIn?: string; imported?: string } = {}): Promise<HolidayData> {
  const years = new Map<string, YearSection>();
  for (const section of readSections(await readHolidayDataFile(builtIn), builtIn)) years.set(section.key, section);
  const importedText = imported === undefined ? undefined : await readHolidayDataFile(imported, true);
  if (imported !== undefined && importedText !== undefined) {
    for (const section of readSections(importedText, imported)) years.set(section.key, section);
  }
  return buildHolidayData([...years.values()]);
}

/** Parses and checks holiday data text; `source` names the file in error messages. */
export function parseHolidays(text: string, source: string): HolidayData {
  return buildHolidayData(readSections(text, source));
}

/** A holiday data file holds a few years of about 1 KB each: past this, it is not one, and is not read. */
const MAX_HOLIDAY_DATA_BYTES = 1024 * 1024;

/** A holiday data file's text; undefined when `optional` and the file does not exist. */
export async function readHolidayDataFile(path: string, optional: true): Promise<string | undefined>;
export async function readHolidayDataFile(path: string, optional?: false): Promise<string>;
export async function readHolidayDataFile(path: string, optional = false): Promise<string | undefined> {
  const read = await readInputFile(path, MAX_HOLIDAY_DATA_BYTES);
  if (!("refused" in read)) return new TextDecoder("utf-8").decode(read.bytes);
  if (optional && read.missing) return undefined;
  throw calendarError(ErrorCode.HolidayData, [`读不到节假日数据文件：${read.refused}`]);
}

/** One year of a data file, checked for shape, with the file it came from. */
interface YearSection {
  key: string;
  source: string;
  festivals: z.output<typeof year>["festivals"];
  /** `file:line` of a path in this section's file, e.g. `holidays.yaml:4`, for problems. */
  where(path: readonly (string | number)[]): string;
}

function readSections(text: string, source: string): YearSection[] {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  const error = doc.errors[0];
  if (error) {
    throw calendarError(ErrorCode.HolidayData, [
      `${source}:${lineCounter.linePos(error.pos[0]).line}: 不是合法的 YAML（${error.message.split("\n")[0]}）`,
    ]);
  }
  const lineOf = createKeyLineFinder(doc, lineCounter);
  const where = (path: readonly (string | number)[]) => {
    const line = lineOf(path);
    return line === undefined ? source : `${source}:${line}`;
  };
  const parsed = file.safeParse(doc.toJS() ?? {});
  if (!parsed.success) {
    throw calendarError(
      ErrorCode.HolidayData,
      parsed.error.issues.map((issue) => {
        const message =
          issue.code === "unrecognized_keys"
            ? `不认识的键 ${issue.keys.map((k) => `"${k}"`).join("、")}；可写 name、holidays、workdays（每年一节：source、festivals）`
            : issue.message;
        return `${where(issue.path as (string | number)[])}: ${formatPath(issue.path)}: ${message}`;
      }),
    );
  }
  return Object.entries(parsed.data).map(([key, section]) => ({ key, source, festivals: section.festivals, where }));
}

function buildHolidayData(sections: readonly YearSection[]): HolidayData {
  const problems: string[] = [];
  const holidays = new Map<LocalDate, string>();
  const workdays = new Map<LocalDate, string>();
  const years: number[] = [];
  const where = new Map<LocalDate, string>();

  for (const { key: yearKey, festivals, where: whereIn } of sections) {
    if (!/^\d{4}$/.test(yearKey)) {
      problems.push(`${whereIn([yearKey])}: "${yearKey}": 年份写成四位数字，例如 "2027":`);
      continue;
    }
    const sectionYear = Number(yearKey);
    years.push(sectionYear);
    const checkDate = (value: string, at: string, path: readonly (string | number)[]): boolean => {
      if (!isValidLocalDate(value)) {
        problems.push(`${whereIn(path)}: ${at}: "${value}" 不是有效日期，写成 YYYY-MM-DD，例如 ${yearKey}-10-01`);
        return false;
      }
      // A notice may reach into the neighbouring year (2019's 元旦 began on 2018-12-30).
      if (Math.abs(Number(value.slice(0, 4)) - sectionYear) > 1) {
        problems.push(`${whereIn(path)}: ${at}: ${value} 不在 ${yearKey} 年前后，是不是年份写错了？`);
        return false;
      }
      return true;
    };

    festivals.forEach((item, index) => {
      const at = `"${yearKey}".festivals[${index}]（${item.name}）`;
      const path = [yearKey, "festivals", index];
      const { start, end } = item.holidays;
      if (checkDate(start, `${at}.holidays.start`, [...path, "holidays", "start"]) && checkDate(end, `${at}.holidays.end`, [...path, "holidays", "end"])) {
        const days = diffDays(start, end) + 1;
        const holidaysAt = `${whereIn([...path, "holidays"])}: ${at}.holidays`;
        if (days < 1) {
          problems.push(`${holidaysAt}: 开始 ${start} 晚于结束 ${end}`);
        } else if (days > MAX_BLOCK_DAYS) {
          problems.push(`${holidaysAt}: ${start} 至 ${end} 共 ${days} 天，超过 ${MAX_BLOCK_DAYS} 天，请核对`);
        } else {
          for (const day of listDates(start, end)) {
            holidays.set(day, item.name);
            where.set(day, holidaysAt);
          }
        }
      }
      item.workdays.forEach((day, dayIndex) => {
        const dayPath = [...path, "workdays", dayIndex];
        const dayAt = `${at}.workdays[${dayIndex}]`;
        if (!checkDate(day, dayAt, dayPath)) return;
        if (getWeekday(day) < 6) {
          problems.push(`${whereIn(dayPath)}: ${dayAt}: ${day} 不是周六或周日；调休上班日只写周末`);
          return;
        }
        workdays.set(day, item.name);
        where.set(`w:${day}`, `${whereIn(dayPath)}: ${dayAt}`);
      });
    });
  }

  for (const day of workdays.keys()) {
    if (holidays.has(day)) {
      problems.push(`${day} 既写在 ${where.get(day)} 放假，又写在 ${where.get(`w:${day}`)} 上班`);
    }
  }
  if (problems.length > 0) throw calendarError(ErrorCode.HolidayData, problems);
  return Object.freeze({ holidays, workdays, years: Object.freeze(years.sort((a, b) => a - b)) });
}

function formatPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return "(整个文件)";
  return path
    .map((key, i) => (typeof key === "number" ? `[${key}]` : i === 0 ? `"${String(key)}"` : `.${String(key)}`))
    .join("");
}
