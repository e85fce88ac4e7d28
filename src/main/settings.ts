import { z } from "zod";
import { createConfigSource, type ConfigSource } from "../config/config-source.js";
import { CodedError, ErrorCode } from "../errors.js";
import { createClock, type Clock } from "../clock/clock.js";

/** WeCom's long-connection endpoint; tests and the demo point WECOM_WS_URL at the simulator. */
export const DEFAULT_WECOM_WS_URL = "wss://openws.work.weixin.qq.com";

/** The WeCom API host the group robots are on; tests and the demo point WECOM_API_BASE at a fake. */
export const DEFAULT_WECOM_API_BASE = "https://qyapi.weixin.qq.com";

/**
 * Everything the process takes from its environment, read once by `readSettings` (the entry
 * points call it; nothing else sees `process.env`). Each part is given the values it needs;
 * the whole environment goes only into loading the config, for its `${NAME}` references.
 */
export interface Settings {
  /** PINGAN_CONFIG, with the environment its `${NAME}` references are read from. */
  config: ConfigSource;
  /** PORT and HOST of the web server; port 0 picks a free one. */
  port: number;
  host: string;
  /** REDIS_URL; unset means the embedded redis-server under `dataDir`. */
  redisUrl?: string;
  /** PINGAN_DATA_DIR: where the embedded Redis keeps its AOF. */
  dataDir: string;
  /** WECOM_API_BASE. */
  wecomApiBase: string;
  /** WECOM_WS_URL: where `bot.transport: websocket` dials. */
  wecomWsUrl: string;
  /** PINGAN_NOW: where the clock starts (tests, trials, the demo); unset is the real time. */
  now?: Date;
  /** PINGAN_SPEED: clock seconds per real second. */
  speed?: number;
  /** LOG_LEVEL. */
  logLevel: string;
  /** LOG_FORMAT: `json` or `pretty` (readable lines); unset lets `pingan start` choose by its output (a terminal reads lines). */
  logFormat?: "json" | "pretty";
  /**
   * The bot's credentials as the example config names them (WECOM_TOKEN, WECOM_ENCODING_AES_KEY,
   * WECOM_BOT_ID, WECOM_BOT_SECRET) and PINGAN_BOT_NAME: what `pingan say` signs with and
   * `pingan fake-webhook --long-connection` accepts, standing in for WeCom beside the service.
   */
  trial: TrialCredentials;
}

/** See Settings.trial. */
export interface TrialCredentials {
  token?: string;
  encodingAesKey?: string;
  botName?: string;
  botId?: string;
  botSecret?: string;
}

const instant = z.string().transform((text, ctx) => {
  const at = new Date(text);
  if (Number.isNaN(at.getTime())) {
    ctx.addIssue({ code: "custom", message: `PINGAN_NOW 不是有效的时间：${text}（例如 2026-11-23T08:30:00+08:00）` });
    return z.NEVER;
  }
  return at;
});

const schema = z.object({
  PINGAN_CONFIG: z.string().min(1).default("config/pingan.yaml"),
  PORT: z.coerce
    .number({ error: "PORT 应当是端口号，例如 8080" })
    .int({ error: "PORT 应当是整数，例如 8080" })
    .min(0, { error: "PORT 在 0 到 65535 之间" })
    .max(65535, { error: "PORT 在 0 到 65535 之间" })
    .default(8080),
  HOST: z.string().min(1).default("0.0.0.0"),
  REDIS_URL: z.string().min(1).optional(),
  PINGAN_DATA_DIR: z.string().min(1).default("data"),
  WECOM_API_BASE: z.url({ error: "WECOM_API_BASE 应当是网址，例如 https://qyapi.weixin.qq.com" }).default(DEFAULT_WECOM_API_BASE),
  WECOM_WS_URL: z
    .url({ protocol: /^wss?$/, error: "WECOM_WS_URL 应当是 wss:// 网址，例如 wss://openws.work.weixin.qq.com" })
    .default(DEFAULT_WECOM_WS_URL),
  PINGAN_NOW: instant.optional(),
  PINGAN_SPEED: z.coerce.number({ error: "PINGAN_SPEED 应当是正数，例如 60" }).positive({ error: "PINGAN_SPEED 应当是正数，例如 60" }).optional(),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"], { error: "LOG_LEVEL 可以是 error、warn、info、debug" }).default("info"),
  LOG_FORMAT: z.enum(["json", "pretty"], { error: "LOG_FORMAT 可以是 json（每行一个 JSON，给日志系统）或 pretty（易读的行）" }).optional(),
  WECOM_TOKEN: z.string().optional(),
  WECOM_ENCODING_AES_KEY: z.string().optional(),
  WECOM_BOT_ID: z.string().optional(),
  WECOM_BOT_SECRET: z.string().optional(),
  PINGAN_BOT_NAME: z.string().optional(),
});

/** Reads and checks the environment; a bad value throws a CodedError naming the variable. */
export function readSettings(env: Readonly<Record<string, string | undefined>>): Settings {
  // An empty variable is the same as an unset one (a blank line in an env file).
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ""));
  const parsed = schema.safeParse(present);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`);
    throw new CodedError(ErrorCode.Settings, `环境变量有误：\n${problems.join("\n")}`);
  }
  const s = parsed.data;
  return Object.freeze({
    config: createConfigSource(s.PINGAN_CONFIG, env),
    port: s.PORT,
    host: s.HOST,
    ...(s.REDIS_URL && { redisUrl: s.REDIS_URL }),
    dataDir: s.PINGAN_DATA_DIR,
    wecomApiBase: s.WECOM_API_BASE,
    wecomWsUrl: s.WECOM_WS_URL,
    ...(s.PINGAN_NOW && { now: s.PINGAN_NOW }),
    ...(s.PINGAN_SPEED !== undefined && { speed: s.PINGAN_SPEED }),
    logLevel: s.LOG_LEVEL,
    ...(s.LOG_FORMAT && { logFormat: s.LOG_FORMAT }),
    trial: Object.freeze({
      ...(s.WECOM_TOKEN && { token: s.WECOM_TOKEN }),
      ...(s.WECOM_ENCODING_AES_KEY && { encodingAesKey: s.WECOM_ENCODING_AES_KEY }),
      ...(s.PINGAN_BOT_NAME && { botName: s.PINGAN_BOT_NAME }),
      ...(s.WECOM_BOT_ID && { botId: s.WECOM_BOT_ID }),
      ...(s.WECOM_BOT_SECRET && { botSecret: s.WECOM_BOT_SECRET }),
    }),
  });
}

/** The clock PINGAN_NOW and PINGAN_SPEED make: the real time when neither is set. */
export function clockOf(settings: Pick<Settings, "now" | "speed">): Clock {
  return createClock({ ...(settings.now && { start: settings.now }), ...(settings.speed !== undefined && { speed: settings.speed }) });
}
