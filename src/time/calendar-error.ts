import { CodedError, type ErrorCode } from "../errors.js";

/** What kind of calendar input was wrong. */
export type CalendarErrorCode = ErrorCode.TimeZone | ErrorCode.HolidayData | ErrorCode.CalendarConfig | ErrorCode.TaskSchedule;

/**
 * A bad time zone, holiday data file, `calendar` config or task schedule. `problems` lists every
 * problem found, each naming where it is and what to write instead (simplified Chinese, for the
 * admin); the service does not start with one.
 */
export class CalendarError extends CodedError {
  constructor(
    code: CalendarErrorCode,
    readonly problems: readonly string[],
  ) {
    super(code, problems.join("\n"));
  }
}
