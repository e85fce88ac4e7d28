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
    redact: {
      paths: ["token", "encoding_aes_key", "webhook_key", "*.token", "*.encoding_aes_key", "*.webhook_key", "key", "secret", "*.secret"],
      censor: "[redacted]",
    },
  };
  // Written in this thread, as each line comes: a transport's worker could lose the last lines ("stopped") at exit,
  // and pino's default (a write handed to libuv's thread pool per line) cost a paced check-in more CPU than its line.
  return readable
    ? pino(options, pretty({ colorize: process.stdout.isTTY === true, translateTime: "SYS:HH:MM:ss", ignore: "pid,hostname,service", sync: true }))
    : pino(options, pino.destination({ dest: 1, sync: true }));
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
