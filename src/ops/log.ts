import pino, { type Logger } from "pino";
import pretty from "pino-pretty";

export interface LogOptions {
  /** pino level; report text is only logged at debug. */
  level?: string;
  /** Human-readable lines for a terminal instead of JSON. */
  pretty?: boolean;
}

/**
 * JSON logs, or readable lines for a terminal. Secrets never reach them: the paths below are
 * redacted wherever they appear, and nothing logs a webhook key or the bot's token in the first place.
 */
export function createLogger({ level = "info", pretty: readable = false }: LogOptions = {}): Logger {
  const options = {
    level,
    base: { service: "pingan" },
    // Errors from ioredis carry the command and its arguments (a cached reply, a job's data, a
    // report): only what says what went wrong is kept.
    serializers: { err: serializeError, error: serializeError },
    // Not pino's `redact`: with paths under `*` it ran its redactor on every value of every line
    // (a string too), 7 µs of a check-in's one line; these look at each field's name once.
    formatters: { log: redactSecrets, bindings: redactSecrets },
    hooks: { logMethod: redactInterpolated },
  };
  // Written in this thread, as each line comes: a transport's worker could lose the last lines ("stopped") at exit,
  // and pino's default (a write handed to libuv's thread pool per line) cost a paced check-in more CPU than its line.
  const logger = readable
    ? pino(options, pretty({ colorize: process.stdout.isTTY === true, translateTime: "SYS:HH:MM:ss", ignore: "pid,hostname,service", sync: true }))
    : pino(options, pino.destination({ dest: 1, sync: true }));
  // pino shows no formatter a child's bindings; every child inherits this from the root (each is made from its parent).
  const child = logger.child;
  logger.child = function (this: Logger, bindings: Record<string, unknown>, childOptions?: Parameters<Logger["child"]>[1]) {
    return child.call(this, redactSecrets(bindings), childOptions);
  } as Logger["child"];
  return logger;
}


/** Fields whose value never reaches a log line at the top of it, and inside any object there (but `key`, a common word). */
const SECRET_FIELDS: ReadonlySet<string> = new Set(["token", "encoding_aes_key", "webhook_key", "key", "secret"]);
const NESTED_SECRET_FIELDS = ["token", "encoding_aes_key", "webhook_key", "secret"] as const;
const CENSOR = "[redacted]";

/**
 * A line's fields (or a child's bindings) with every secret field's value censored: at the top,
 * and in each object found there (a copy, of the same prototype); the same object when none is.
 */
export function redactSecrets(fields: Record<string, unknown>): Record<string, unknown> {
  let out: Record<string, unknown> | undefined;
  for (const name in fields) {
    const value = fields[name];
    // An error's serializer (serializeError) keeps none of its other fields, and a copy would lose its message.
    if (value === undefined || !Object.hasOwn(fields, name) || name === "err" || name === "error") continue;
    let kept = value;
    if (SECRET_FIELDS.has(name)) kept = CENSOR;
    else if (typeof value === "object" && value !== null && !Array.isArray(value)) kept = censorNested(value);
    if (kept !== value) (out ??= { ...fields })[name] = kept;
  }
  return out ?? fields;
}

function censorNested(value: object): object {
  let out: Record<string, unknown> | undefined;
  for (const name of NESTED_SECRET_FIELDS) {
    if (Object.hasOwn(value, name)) (out ??= Object.assign(Object.create(Object.getPrototypeOf(value) as object | null) as Record<string, unknown>, value))[name] = CENSOR;
  }
  return out ?? value;
}

/** Objects interpolated into a message (`%o`, `%j`) are censored as a line's fields are. */
function redactInterpolated(this: Logger, args: unknown[], method: (...args: unknown[]) => void): void {
  const first = typeof args[0] === "string" ? 1 : 2;
  if (args.length > first) {
    for (let i = first; i < args.length; i += 1) {
      const arg = args[i];
      if (typeof arg === "object" && arg !== null && !Array.isArray(arg)) args[i] = redactSecrets(arg as Record<string, unknown>);
    }
  }
  method.apply(this, args);
}

/** An error as a log shows it: its type, code, message and stack, never the data it was about. */
export function serializeError(error: unknown): unknown {
  if (!(error instanceof Error)) return typeof error === "string" ? error : String(error);
  const code = (error as { code?: unknown }).code;
  return {
    type: error.name,
    message: error.message,
    ...(typeof code === "string" || typeof code === "number" ? { code } : {}),
    ...(error.stack && { stack: error.stack }),
  };
}
