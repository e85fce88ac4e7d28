import { CodedError, ErrorCode, type CalendarErrorCode } from "../errors.js";

/** The codes calendarError raises. */
export const CALENDAR_CODES: readonly CalendarErrorCode[] = [ErrorCode.TimeZone, ErrorCode.HolidayData, ErrorCode.CalendarConfig, ErrorCode.TaskSchedule];

/**
 * A bad time zone, holiday data file, `calendar` config or task schedule: every problem found,
 * each naming where it is and what to write instead (simplified Chinese, for the admin), one a
 * line; the service does not start with one.
 */
export function calendarError(code: CalendarErrorCode, problems: readonly string[]): CodedError<CalendarErrorCode> {
  return new CodedError<CalendarErrorCode>(code, problems.join("\n"), { problems });
}
