import pino, { type Logger } from "pino";

export interface LogOptions {
  /** pino level; report text is only logged at debug. */
  level?: string;
  /** Human-readable lines for a terminal instead of JSON. */
  pretty?: boolean;
}

/**
 * JSON logs. Secrets never reach them: the paths below are redacted wherever they appear, and
 * nothing logs a webhook key or the bot's token in the first place.
 */
export function createLogger({ level = "info", pretty = false }: LogOptions = {}): Logger {
  return pino({
    level,
    base: { service: "pingan" },
    redact: {
      paths: ["token", "encoding_aes_key", "webhook_key", "*.token", "*.encoding_aes_key", "*.webhook_key", "key"],
      censor: "[redacted]",
    },
    ...(pretty && {
      transport: { target: "pino-pretty", options: { colorize: true, translateTime: "SYS:HH:MM:ss", ignore: "pid,hostname,service" } },
    }),
  });
}
