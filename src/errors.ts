/**
 * Every error we raise on purpose carries one of these codes (bolt-js's `ErrorCode`). Each edge
 * has one handler that reads it: the chat dispatcher (user errors become the reply), the HTTP
 * layer (a status) and the CLI (a Chinese line and an exit code).
 */
export enum ErrorCode {
  /** The command's words could not be read; the reply adds the command's examples. */
  Usage = "usage",
  NotReporter = "not_reporter",
  NotYourSchool = "not_your_school",
  TaskDisabled = "task_disabled",
  NotInSeason = "not_in_season",
  /** The environment (PORT, PINGAN_NOW, …) is wrong. */
  Settings = "settings",
  /** The config file or roster is wrong. */
  ConfigInvalid = "CONFIG_INVALID",
  /** Calendar input: an unknown time zone, bad holiday data or notice, `calendar` config or task schedule. */
  TimeZone = "TIME_ZONE",
  HolidayData = "HOLIDAY_DATA",
  CalendarConfig = "CALENDAR_CONFIG",
  TaskSchedule = "TASK_SCHEDULE",
  /** The State Council's holiday notice text (`pingan holidays import`) could not be fully understood. */
  HolidayNotice = "HOLIDAY_NOTICE",
  /** WeCom crypto refusals: an EncodingAESKey that is not one, a ciphertext or receiveid that does not check out. */
  WecomBadKey = "bad_key",
  WecomBadCiphertext = "bad_ciphertext",
  WecomBadReceiveid = "bad_receiveid",
  /** A decrypted callback that is not the JSON WeCom sends. */
  WecomPayload = "bad_payload",
  BodyTooLarge = "body_too_large",
  RedisUnavailable = "redis_unavailable",
  /** Redis below 7: the service's scripts and the embedded server's AOF need 7. */
  RedisTooOld = "redis_too_old",
}

/** An error with a code from ErrorCode; `message` is for people (Chinese where a person reads it). */
export class CodedError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/**
 * An error the user caused and can fix: its message (Chinese) goes back to the chat as is.
 * Anything else is a fault of ours: logged with its code, and the user gets a short "稍后再发".
 */
export class UserError extends CodedError {}

/**
 * A command's arguments could not be read; the dispatcher adds the command's examples, or these
 * when given (a report entered for a school shows the 代报 form).
 */
export class UsageError extends UserError {
  constructor(
    message: string,
    readonly examples?: readonly string[],
  ) {
    super(ErrorCode.Usage, message);
  }
}

/** The code of any error, or undefined for errors we did not raise on purpose. */
export function codeOf(error: unknown): ErrorCode | undefined {
  return error instanceof CodedError ? error.code : undefined;
}
