/**
 * Every error we raise on purpose carries one of these codes (bolt-js's `ErrorCode`), and each
 * handler switches on the code, never on a class: the chat dispatcher (a user's mistake becomes
 * the reply), the HTTP layer (a status), the long connection (retry or give up) and the CLI (a
 * Chinese line and an exit code).
 */
export enum ErrorCode {
  /** Not raised on purpose: what asCodedError makes of anything else. */
  Unknown = "unknown",
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
  /** Redis refused a record (out of memory, a script error): it wrote nothing, and the message may be sent again. */
  NotRecorded = "not_recorded",
  /** Redis below 7: the service's scripts and the embedded server's AOF need 7. */
  RedisTooOld = "redis_too_old",
  /**
   * The long connection's request, subscription or connection failed (the values are what
   * /healthz shows). NotConnected: no live subscription, nothing was sent. ConnectionLost: the
   * socket closed after the frame went out and before its ack, so WeCom may or may not have
   * acted on it. AckTimeout: no ack in time (a request, the subscribe, a heartbeat). RateLimited:
   * errcode 45009 (30 messages a minute per conversation, or subscribe frequency). InvalidChat:
   * 93006 (no user has spoken to the bot there) or 93001. ContentTooLarge: 45002 (a stream over
   * 20480 bytes). BadCredentials: the subscribe refused with any other errcode. SteppedDown:
   * another connection subscribed the bot. WecomRejected: any other non-zero errcode.
   */
  NotConnected = "not_connected",
  ConnectionLost = "connection_lost",
  AckTimeout = "timeout",
  RateLimited = "rate_limited",
  InvalidChat = "invalid_chat",
  ContentTooLarge = "too_large",
  BadCredentials = "bad_credentials",
  SteppedDown = "stepped_down",
  WecomRejected = "rejected",
  /** The WeCom simulator (a test fake) refused a passive reply as WeCom would; `reason` says why. */
  SimulatedRefusal = "simulated_refusal",
}

/** The codes of the long connection's failures. */
export const LONG_CONNECTION_CODES = [
  ErrorCode.NotConnected,
  ErrorCode.ConnectionLost,
  ErrorCode.AckTimeout,
  ErrorCode.RateLimited,
  ErrorCode.InvalidChat,
  ErrorCode.ContentTooLarge,
  ErrorCode.BadCredentials,
  ErrorCode.SteppedDown,
  ErrorCode.WecomRejected,
] as const;
export type LongConnectionErrorCode = (typeof LONG_CONNECTION_CODES)[number];

/** The calendar's input codes. */
export type CalendarErrorCode = ErrorCode.TimeZone | ErrorCode.HolidayData | ErrorCode.CalendarConfig | ErrorCode.TaskSchedule;

/** What the long connection knows of a failed request: WeCom's errcode when it answered with one, and the request's req_id. */
export interface LongConnectionDetails {
  errcode?: number;
  reqId?: string;
}

/** The fields a code carries beside its message; a code not listed carries none. */
export interface ErrorDetails {
  [ErrorCode.Unknown]: { cause: unknown };
  /** Examples to show instead of the command's own (a report entered for a school shows the 代报 form). */
  [ErrorCode.Usage]: { examples?: readonly string[] };
  /** Every problem found, sorted by file and line (configError). */
  [ErrorCode.ConfigInvalid]: { problems: readonly ConfigProblem[] };
  /** Every problem found, each naming where it is and what to write instead (simplified Chinese, for the admin). */
  [ErrorCode.TimeZone]: { problems: readonly string[] };
  [ErrorCode.HolidayData]: { problems: readonly string[] };
  [ErrorCode.CalendarConfig]: { problems: readonly string[] };
  [ErrorCode.TaskSchedule]: { problems: readonly string[] };
  /** Every problem found, in the order of the text. */
  [ErrorCode.HolidayNotice]: { problems: readonly NoticeProblem[] };
  /** The fields that were wrong, never what they held. */
  [ErrorCode.WecomPayload]: { fields: readonly string[] };
  [ErrorCode.NotConnected]: LongConnectionDetails;
  [ErrorCode.ConnectionLost]: LongConnectionDetails;
  [ErrorCode.AckTimeout]: LongConnectionDetails;
  [ErrorCode.RateLimited]: LongConnectionDetails;
  [ErrorCode.InvalidChat]: LongConnectionDetails;
  [ErrorCode.ContentTooLarge]: LongConnectionDetails;
  [ErrorCode.BadCredentials]: LongConnectionDetails;
  [ErrorCode.SteppedDown]: LongConnectionDetails;
  [ErrorCode.WecomRejected]: LongConnectionDetails;
  [ErrorCode.SimulatedRefusal]: { reason: string };
}

/** The details of `C`: `{}` for a code that carries none. */
export type DetailsOf<C extends ErrorCode> = C extends keyof ErrorDetails ? ErrorDetails[C] : Record<never, never>;

/**
 * The one error type: a code from ErrorCode, a message for people (Chinese where a person reads
 * it) and the details its code carries. Details whose fields are all optional may be left out.
 */
export class CodedError<C extends ErrorCode = ErrorCode> extends Error {
  override readonly name = "CodedError";
  readonly details: DetailsOf<C>;

  constructor(
    readonly code: C,
    message: string,
    ...[details]: Record<never, never> extends DetailsOf<C> ? [details?: DetailsOf<C>] : [details: DetailsOf<C>]
  ) {
    super(message);
    this.details = details ?? ({} as DetailsOf<C>);
  }
}

/** A failed long-connection request, subscription or connection. */
export type LongConnectionError = CodedError<LongConnectionErrorCode>;

/** A CodedError of some code, narrowed by a `switch` on its `code`. */
export type AnyCodedError = { [C in ErrorCode]: CodedError<C> }[ErrorCode];

/** Whether `error` was raised on purpose with one of `codes` (with any code when none are given). */
export function hasCode<C extends ErrorCode>(error: unknown, ...codes: C[]): error is CodedError<C> {
  return error instanceof CodedError && (codes.length === 0 || codes.includes(error.code as C));
}

/** `error` as a CodedError: itself when raised on purpose, else `Unknown` with it as the cause. */
export function asCodedError(error: unknown): AnyCodedError {
  if (error instanceof CodedError) return error as AnyCodedError;
  return new CodedError(ErrorCode.Unknown, error instanceof Error ? error.message : String(error), { cause: error });
}

/**
 * The codes of mistakes the user made and can fix: their message (Chinese) goes back to the chat
 * as is. Any other error is a fault of ours: logged with its code, and the user gets a short "稍后再发".
 */
const USER_MISTAKES: ReadonlySet<ErrorCode> = new Set([ErrorCode.Usage, ErrorCode.NotReporter, ErrorCode.NotYourSchool, ErrorCode.TaskDisabled, ErrorCode.NotInSeason]);

/** Whether `error` is a user's mistake (see USER_MISTAKES). */
export function isUserMistake(error: unknown): error is CodedError {
  return error instanceof CodedError && USER_MISTAKES.has(error.code);
}

/** The code of any error, or undefined for errors we did not raise on purpose (for logs). */
export function codeOf(error: unknown): ErrorCode | undefined {
  return error instanceof CodedError ? error.code : undefined;
}

/** One thing wrong with the config file or the roster, where it is and what to write instead. */
export interface ConfigProblem {
  /** The file as the admin named it, e.g. `config/pingan.yaml` or `config/schools.csv`. */
  readonly file: string;
  /** 1-based line in that file, when known. */
  readonly line?: number;
  /** Dotted config key (`tasks.safety.deadline`, `calendar.terms[0].end`) or CSV column (`学生数`). */
  readonly key?: string;
  /** What is wrong, in Chinese. Never contains a secret value. */
  readonly message: string;
  /** What to write instead, with an example. */
  readonly hint?: string;
}

/** One thing wrong with a notice text, in Chinese for the admin. */
export interface NoticeProblem {
  /** What is wrong; quotes the sentence when there is one. */
  readonly message: string;
  /** The offending sentence as written; "" when the problem is the notice as a whole. */
  readonly sentence: string;
  /** 1-based line of the text the sentence is on. */
  readonly line?: number;
}
