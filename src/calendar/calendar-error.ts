/** What kind of calendar input was wrong. */
export type CalendarErrorCode = "TIME_ZONE" | "HOLIDAY_DATA" | "CALENDAR_CONFIG" | "TASK_SCHEDULE";

/**
 * A bad time zone, holiday data file, `calendar` config or task schedule. `problems` lists every
 * problem found, each naming where it is and what to write instead (simplified Chinese, for the
 * admin); the service does not start with one.
 */
export class CalendarError extends Error {
  override readonly name = "CalendarError";

  constructor(
    readonly code: CalendarErrorCode,
    readonly problems: readonly string[],
  ) {
    super(problems.join("\n"));
  }
}
