import { type Config, type TaskId, listTaskIds } from "../config/schema.js";
import { listMissingHolidayYears } from "./holiday-coverage.js";
import { importedHolidaysPath, loadHolidayData } from "./holidays.js";
import { listDates, toLocalDate, type LocalDate, formatDeadline, formatInstant } from "./local-time.js";
import { createPeriods, formatPeriod, type Period, type Slot, type NotRequiredReason, createSchoolCalendar } from "./periods.js";
import { kindOf } from "../config/kinds.js";

const MINUTE_MS = 60_000;

/** One period of one task (see Period), with the task's display name. */
export interface TaskPeriod extends Period {
  /** e.g. 平安日报. */
  taskName: string;
  /** The word that names the task in a command (未报 平安): its first declared word. */
  taskWord: string;
  /** The local date of the deadline: a school on the roster by then owes the period (whyNotOwed). */
  due: LocalDate;
  /** The 片区, 学段 and 学校代码 of the schools that report the task (its `schools`); unset: every school. */
  schools?: readonly string[];
  /** The period as replies name it (formatPeriod): `11月23日（周一）`. */
  label: string;
  /** The deadline as replies show it: `11月23日 周一 10:00`. */
  deadlineText: string;
}

/**
 * What a message at one instant asks of the calendar about its task, answered in one look-up:
 * the local date, the task's period in force and whether a report now is late for it, the other
 * tasks' periods due then (what else a school may owe), and the period in force a while before
 * (where a repeat of the message may have been recorded).
 */
export interface TaskMoment {
  today: LocalDate;
  /** Undefined when the task is not enabled. */
  period?: TaskPeriod;
  /** Whether a report at the instant is late for `period` (false without one). */
  late: boolean;
  /** The other enabled tasks' periods at the instant that are required, in display order. */
  othersDue: readonly DuePeriod[];
  /** The task's period in force `lookBackMs` before the instant, when asked and the task was enabled then. */
  earlier?: TaskPeriod;
}

/** A period due at a message's instant, as a reply lists what a school still owes. */
export interface DuePeriod {
  period: TaskPeriod;
  /** Whether its deadline has passed at the instant (isLate). */
  late: boolean;
  /** Its deadline as the reply shows it: `截止 11月23日 周一 10:00`, with 已过 once late (formatDeadline). */
  deadline: string;
}

/** A message's look at the calendar: the TaskMoment at the message's instant of each task asked for. */
export type MessageMoments = Readonly<Record<TaskId, TaskMoment>>;

/**
 * The calendar of the configured tasks: which period an instant falls in, its slots, whether a
 * report is late, and whether a task runs on a date. Every part of the product asks this one.
 */
export interface TaskCalendar {
  /** The configured, enabled tasks in display order. */
  readonly tasks: readonly TaskId[];
  taskName(task: TaskId): string;
  /** The word that names a task in a command (see TaskPeriod.taskWord). */
  taskWord(task: TaskId): string;
  /** The period in force at an instant; undefined when the task is not enabled. */
  at(task: TaskId, instant: Date): TaskPeriod | undefined;
  /**
   * A message's look at the calendar (see TaskMoment) for the tasks `only` names, or for every
   * configured task when it names none (a 代报 may report any kind): a message of one kind costs
   * the same whatever the kinds declared. `lookBackMs` asks for `earlier`. The look is frozen:
   * later messages of the same minute are given the same one.
   */
  momentsAt(instant: Date, lookBackMs?: number, only?: readonly TaskId[]): MessageMoments;
  /** The period with this id; undefined when the id is not one of the task's. */
  byId(task: TaskId, id: string): TaskPeriod | undefined;
  /** The periods of a task that overlap `start`…`end` (inclusive), in order; [] when the task is off. */
  list(task: TaskId, start: LocalDate, end: LocalDate): TaskPeriod[];
  /** Reminder, deadline and tally instants of a period, in time order. */
  slots(period: Period): readonly Slot[];
  /** Whether a report at `at` is late for the period (the deadline minute is on time). */
  isLate(period: Period, at: Date): boolean;
  /** Whether the task runs on a local date (its `days` on the school calendar). */
  runsOn(task: TaskId, date: LocalDate): boolean;
  /** Whether a local date is a working day (the bureau's: 调休 aware, with calendar.holidays and workdays). */
  isWorkday(date: LocalDate): boolean;
  /**
   * The years whose holiday notice should be imported by this instant and is not (see
   * listMissingHolidayYears), by the local date in the config's zone; [] when all is well.
   */
  missingHolidayYears(instant: Date): number[];
}

/**
 * The task calendar for the config's enabled tasks, on the school calendar and its holidays: the
 * bundled ones and, given the config's path, those imported beside it (`pingan holidays import`).
 * Given the service's first day (store/roster-days.ts), a period due before it is required of
 * nobody (`not_live`): nothing was owed before the product ran.
 */
export async function createTaskCalendar(config: Config, { configPath, liveSince }: { configPath?: string; liveSince?: LocalDate } = {}): Promise<TaskCalendar> {
  const holidays = await loadHolidayData(configPath === undefined ? {} : { imported: importedHolidaysPath(configPath) });
  const school = createSchoolCalendar(config.calendar, holidays);
  const periods = createPeriods({ tasks: config.tasks, calendar: school, zone: config.timezone });
  const configured = listTaskIds(config);
  const tasks = configured.filter((task) => config.tasks[task]?.enabled);
  const taskName = (task: TaskId) => config.tasks[task]?.name ?? task;
  // Each task's word is read from its kind once, here: every period named asks for it.
  const words = new Map(configured.map((task) => [task, kindOf(config, task)?.words[0] ?? taskName(task)]));
  const taskWord = (task: TaskId) => words.get(task) ?? taskName(task);
  const named = (period: Period): TaskPeriod => {
    const due = toLocalDate(period.deadline, config.timezone);
    const notLive = period.required && liveSince !== undefined && due < liveSince;
    const schools = config.tasks[period.task]!.schools;
    return Object.freeze({
      ...period,
      taskName: taskName(period.task),
      taskWord: taskWord(period.task),
      due,
      label: formatPeriod(period),
      deadlineText: formatInstant(period.deadline, config.timezone, true),
      ...(notLive && { required: false, reason: "not_live" as const }),
      ...(schools !== "all" && { schools }),
    });
  };
  // A period is a pure function of the task and the local date, and every check-in asks for
  // several: computing them once per day took a fifth of the callback's CPU.
  const byDate = new Map<string, TaskPeriod>();
  const on = (task: TaskId, date: LocalDate): TaskPeriod | undefined => {
    if (!tasks.includes(task)) return undefined;
    const key = `${task}:${date}`;
    let period = byDate.get(key);
    if (!period) {
      if (byDate.size > 10_000) byDate.clear();
      period = named(periods.periodOn(task, date));
      byDate.set(key, period);
    }
    return period;
  };
  // The enabled tasks' required periods on a date: what a school may owe beside its report.
  const requiredByDate = new Map<LocalDate, readonly TaskPeriod[]>();
  const requiredOn = (date: LocalDate): readonly TaskPeriod[] => {
    let required = requiredByDate.get(date);
    if (!required) {
      if (requiredByDate.size > 10_000) requiredByDate.clear();
      required = Object.freeze(tasks.flatMap((task) => on(task, date) ?? []).filter((period) => period.required));
      requiredByDate.set(date, required);
    }
    return required;
  };
  // Every slot decision (the slot job, pingan schedule) asks for the slots of a week's periods.
  const slotsOf = new WeakMap<Period, readonly Slot[]>();
  /** A message's look at the calendar, worked out (momentsAt keeps it for the rest of its minute). */
  const lookAt = (instant: Date, lookBackMs: number | undefined, only: readonly TaskId[] | undefined): MessageMoments => {
    const today = toLocalDate(instant, config.timezone);
    const before = lookBackMs === undefined ? undefined : toLocalDate(new Date(instant.getTime() - lookBackMs), config.timezone);
    const due = requiredOn(today).map((period): DuePeriod => {
      const late = periods.isLate(period, instant);
      return Object.freeze({ period, late, deadline: formatDeadline(period.deadlineText, late) });
    });
    const momentOf = (task: TaskId): TaskMoment => {
      const period = on(task, today);
      const earlier = before === undefined ? undefined : on(task, before);
      const othersDue = Object.freeze(due.filter((one) => one.period.task !== task));
      return Object.freeze({ today, ...(period && { period }), late: period !== undefined && periods.isLate(period, instant), othersDue, ...(earlier && { earlier }) });
    };
    return Object.freeze(Object.fromEntries((only ?? configured).map((task) => [task, momentOf(task)])));
  };
  /**
   * The looks taken in the latest minute, by look-back and tasks asked: a school morning's
   * check-ins come many a minute, and each walked the local date and every deadline again.
   */
  const looks = new Map<string, MessageMoments>();
  let looksMinute = Number.NaN;
  return {
    tasks,
    taskName,
    taskWord,
    at: (task, instant) => on(task, toLocalDate(instant, config.timezone)),
    momentsAt(instant, lookBackMs, only) {
      const minute = Math.floor(instant.getTime() / MINUTE_MS);
      if (minute !== looksMinute) {
        looks.clear();
        looksMinute = minute;
      }
      const key = `${lookBackMs ?? ""}:${only?.join(",") ?? ""}`;
      let moments = looks.get(key);
      if (!moments) {
        moments = lookAt(instant, lookBackMs, only);
        if (holdsForTheMinute(moments, lookBackMs)) looks.set(key, moments);
      }
      return moments;
    },
    byId: (task, id) => {
      const period = tasks.includes(task) ? periods.periodById(task, id) : undefined;
      return period && named(period);
    },
    list: (task, start, end) => {
      const listed = new Map<string, TaskPeriod>();
      for (const date of listDates(start, end)) {
        const period = on(task, date);
        if (period && !listed.has(period.id)) listed.set(period.id, period);
      }
      return [...listed.values()];
    },
    slots: (period) => {
      let slots = slotsOf.get(period);
      if (!slots) {
        slots = Object.freeze(periods.listSlots(period));
        slotsOf.set(period, slots);
      }
      return slots;
    },
    isLate: (period, at) => periods.isLate(period, at),
    runsOn: (task, date) => school.runsOn(config.tasks[task]!.days, date),
    isWorkday: (date) => school.isWorkday(date),
    missingHolidayYears: (instant) => listMissingHolidayYears(school.hasHolidayData, toLocalDate(instant, config.timezone)),
  };
}

/** Why a period asks nothing of anyone; undefined when it is required. The scheduler's skip, `pingan run`'s and every tally's reason. */
export function whyNotRequired(period: TaskPeriod): NotRequiredReason | undefined {
  return period.required ? undefined : (period.reason ?? "not_running_day");
}

/**
 * Whether a look holds for every instant of its UTC minute, so that it may be kept: the local
 * date does (local-time reads a zone's offset once a minute), and lateness does when each
 * deadline is a whole minute (a slot's HH:MM in a zone whose offset is whole minutes, as every
 * zone's has been since 1972), as does the date a whole number of minutes before.
 */
function holdsForTheMinute(moments: MessageMoments, lookBackMs: number | undefined): boolean {
  if (lookBackMs !== undefined && lookBackMs % MINUTE_MS !== 0) return false;
  return Object.values(moments).every(
    (moment) => (!moment.period || moment.period.deadline.getTime() % MINUTE_MS === 0) && moment.othersDue.every(({ period }) => period.deadline.getTime() % MINUTE_MS === 0),
  );
}
