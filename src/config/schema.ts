import { z } from "zod";
import { kindDeclaration } from "./kind-schema.js";
import { PERIOD_KINDS } from "../time/slots.js";

/** "9:00" is read as "09:00": an hour written as a clock shows it is not a mistake to ask about. */
function padHour(value: unknown): unknown {
  return typeof value === "string" ? value.replace(/(^|\s)(\d):(\d\d)$/, (_, before: string, hour: string, minute: string) => `${before}0${hour}:${minute}`) : value;
}

/** `HH:MM`, 24-hour clock (`9:00` is `09:00`). */
const clockTime = z.preprocess(padHour, z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, { message: '时间写成 "HH:MM"，例如 "09:30"' }));

/** `HH:MM` for daily slots, `mon 17:00` … `sun 17:00` for weekly ones, `25 17:00` (day of the month; 31 the last) for monthly ones; `9:00` is `09:00`. */
const slotTime = z.preprocess(
  padHour,
  z.string().regex(/^((mon|tue|wed|thu|fri|sat|sun|[1-9]|[12]\d|3[01]) )?([01]\d|2[0-3]):[0-5]\d$/, {
    message: '时间写成 "HH:MM"（每天）、"fri 17:00"（每周，mon…sun）或 "25 17:00"（每月几号，31 即月末）',
  }),
);

const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, { message: '日期写成 "YYYY-MM-DD"，例如 "2026-09-01"' });

const monthDay = z
  .string()
  .regex(/^(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/, { message: '月日写成 "MM-DD"，例如 "04-15"' });

const dateRange = z.strictObject({ start: isoDate, end: isoDate });

/**
 * A node of the roster's tree (`平安市/平安县`; see roster-tree.ts): what a leader, admin or group
 * sees and is told of. Unset: the root, everything (a county's deployment names none).
 */
const node = z.string().min(1).optional();

const person = z.strictObject({
  userid: z.string().min(1),
  name: z.string().min(1),
  node,
});

/** When a task is due in one period and when the scheduler acts on it. */
const schedule = z.strictObject({
  /** `day`, `week` (ISO week, Monday start) or `month` (calendar month). */
  period: z.enum(PERIOD_KINDS),
  /** Reports after this are marked late. */
  deadline: slotTime,
  /** Reminders to the missing schools, before the deadline. */
  reminders: z.array(slotTime).default([]),
  /** The tally to the leaders, after the deadline. */
  tally: slotTime.optional(),
});

export const taskSchema = schedule.extend({
  enabled: z.boolean().default(true),
  /** Display name, e.g. 平安日报. */
  name: z.string().min(1),
  /**
   * `all` days, `school` days (term, working day), `weekdays` (working days, 调休 aware) or
   * `holidays` (statutory holidays and the summer and winter holidays only: 假期值班).
   */
  days: z.enum(["all", "school", "weekdays", "holidays"]),
  /** Only inside this yearly window (inclusive, `MM-DD`). */
  season: z.strictObject({ start: monthDay, end: monthDay }).optional(),
  /** Schedule that replaces the base one during the summer holiday. */
  summer: schedule.optional(),
  /** Group id (key of `groups`) that receives the tally. */
  tally_group: z.string().default("leaders"),
  /**
   * The schools that report it: `all` (every school's 上报人, the default), or a list of 片区, 学段
   * or 学校代码 (校车晨检: the schools with a bus). The others owe nothing, are never counted,
   * reminded or listed as missing, and their reports of it are refused.
   */
  schools: z.union([z.literal("all"), z.array(z.string().min(1)).min(1)]).default("all"),
  /**
   * Who reports it at each school: unset, the school's 上报人 (the principals); else a role, the
   * roster column of that header (晨午检: `校医`), whose accounts report it and nobody else of
   * the school (a leader or admin still enters it for a school: 代报). See scope.ts reportersAt.
   */
  reporters: z.string().min(1).optional(),
  ...kindDeclaration,
});

const group = z.strictObject({
  name: z.string().min(1),
  /**
   * How pushes reach the group: `webhook`, its group robot (`webhook_key`); `bot`, the smart
   * bot itself over the long connection (`chatid`, see `pingan chats`; needs `bot.transport: websocket`).
   * Unset means `webhook`. A group `via: bot` that names a `webhook_key` too has a second way
   * out: what the long connection refuses, and what @-mentions someone, goes by the robot.
   */
  via: z.enum(["webhook", "bot"]).optional(),
  webhook_key: z.string().min(1).optional(),
  chatid: z.string().min(1).optional(),
  /** `leaders` marks the leaders' group (tallies, alerts); `schools` a reporters' group. */
  role: z.enum(["schools", "leaders"]),
  /** The node whose schools the group holds (a schools group) or is told of (a leaders group). */
  node,
  /** For a schools group: `all`, or the areas (片区) / school codes it holds (of its node). */
  schools: z.union([z.literal("all"), z.array(z.string().min(1))]).default("all"),
});

/** One smart bot: its name and how WeCom reaches it, with that transport's credentials. */
const bot = z.strictObject({
  name: z.string().min(1).default("平安助手"),
  /**
   * `callback` (unset): WeCom posts to our URL (token, encoding_aes_key); `websocket`: we dial
   * WeCom's long connection (bot_id, secret). One bot uses one of them, never both.
   */
  transport: z.enum(["callback", "websocket"]).optional(),
  token: z.string().min(1).optional(),
  encoding_aes_key: z
    .string()
    .regex(/^[A-Za-z0-9+/]{43}$/, {
      message: "EncodingAESKey 是企业微信后台生成的 43 位字母数字串",
    })
    .optional(),
  /** Long connection: the BotID shown in the bot's API settings. */
  bot_id: z.string().min(1).optional(),
  /** Long connection: the bot's Secret (from the environment). */
  secret: z.string().min(1).optional(),
  /** Callbacks whose signed timestamp is further than this from the real clock are refused. */
  max_clock_skew_seconds: z.number().int().positive().default(300),
});

/**
 * One bot of a deployment that hosts several (a city's IT centre, one bot per county): its id
 * names its callback URL (`/wecom/<id>/callback`) and its Redis keys.
 */
const hostedBot = bot.extend({
  id: z.string().regex(/^[a-z][a-z0-9-]*$/, { message: "机器人 id 用小写英文字母开头，只含小写字母、数字和 -，例如 beixian" }),
  /** The groups (keys of `groups`) this bot serves: its pushes to groups `via: bot` go out through it. */
  groups: z.array(z.string().min(1)).default([]),
  /** The node of the roster it serves (`平安市/北县`); its groups without a `node` of their own are bound to it. Unset, everything. */
  node,
  /** Long connection: this bot's WeCom long-connection URL, where it is not the deployment's WECOM_WS_URL. */
  ws_url: z.string().url().optional(),
});

export const configSchema = z.strictObject({
  /** IANA zone for periods, deadlines and schedules. */
  timezone: z.string().default("Asia/Shanghai"),
  /** The deployment's one bot; with `bots:` only its name (the default one) is read. */
  bot: bot.prefault({}),
  /** Several bots in one deployment (callback and long-connection ones mixed), each serving its own groups. */
  bots: z.array(hostedBot).min(1).optional(),
  server: z
    .strictObject({
      /** Public base URL, used for signed export links. */
      public_url: z.string().url().optional(),
      /** Token for the admin pages (queue dashboard, export links). */
      admin_token: z.string().min(16).optional(),
    })
    .default({}),
  groups: z.record(z.string().regex(/^[a-z][a-z0-9_-]*$/), group),
  leaders: z.array(person).default([]),
  admins: z.array(person).default([]),
  /** Path to the roster (an Excel workbook .xlsx, or CSV), relative to the config file. */
  roster: z.string().min(1),
  /** The roster workbook's sheet to read; its first visible sheet when unset. */
  roster_sheet: z.string().min(1).optional(),
  /** No scheduled push outside these local hours. */
  working_hours: z
    .strictObject({ start: clockTime, end: clockTime })
    .default({ start: "07:00", end: "21:30" }),
  calendar: z
    .strictObject({
      /** Extra statutory holidays / make-up workdays beyond the built-in data. */
      holidays: z.array(isoDate).default([]),
      workdays: z.array(isoDate).default([]),
      terms: z.array(dateRange.extend({ name: z.string().min(1) })).default([]),
      summer_holiday: z.array(dateRange).default([]),
      winter_holiday: z.array(dateRange).default([]),
    })
    .default({ holidays: [], workdays: [], terms: [], summer_holiday: [], winter_holiday: [] }),
  /**
   * The report kinds, by id (the id names the kind in Redis keys and in `pingan run remind <id>`).
   * Each declares its schedule and what it records (kind-schema.ts).
   */
  tasks: z
    .record(z.string().regex(/^[a-z][a-z0-9_]*$/, { message: "任务名写小写英文字母、数字或下划线，以字母开头，例如 flood" }), taskSchema)
    .refine((tasks) => Object.keys(tasks).length > 0, { message: "tasks 下至少写一个任务" }),
  /** Weekly roll-up to the leaders. */
  weekly: z
    .strictObject({ at: slotTime, group: z.string().default("leaders") })
    .default({ at: "fri 17:30", group: "leaders" }),
  /** Bounds that keep people's messages readable for everyone else. */
  limits: z
    .strictObject({
      /**
       * An incident description (异常 …) longer than this many characters is refused. At most
       * 2000: the reply repeats the text, and a reply holds 20480 bytes.
       */
      description_chars: z.number().int().min(20).max(2000).default(500),
      /** A reminder repeated for the same task and group within this many minutes is not sent. */
      remind_cooldown_minutes: z.number().int().min(0).max(24 * 60).default(10),
      /**
       * Days a period keeps its whole audit log (every message, correction and withdrawal);
       * after them the nightly job reduces it to each school's final report. At most 400: the
       * period's keys expire 30 days later unless reduced.
       */
      history_days: z.number().int().min(30).max(400).default(400),
      /**
       * A report that names an earlier date (平安 昨天) is recorded for that day's period, as a
       * 补报 marked late, back to this many days before today; older ones are refused.
       */
      backfill_days: z.number().int().min(0).max(30).default(3),
    })
    .default({ description_chars: 500, remind_cooldown_minutes: 10, history_days: 400, backfill_days: 3 }),
  /** How an incident (an 异常) is followed until it is closed: see src/features/incidents. */
  incidents: z
    .strictObject({
      /** Not acknowledged (收到) within this many minutes: pushed again, @-mentioning `on_duty`; again at twice the delay. */
      ack_minutes: z.number().positive().max(24 * 60).default(15),
      /** No 续报 within this many working hours (working_hours): the school's reporter is reminded. */
      follow_up_hours: z.number().positive().max(72).default(4),
      /** Leaders on duty (userids of `leaders`) whom an escalation @-mentions; none: every leader. */
      on_duty: z.array(z.string().min(1)).default([]),
      /**
       * Words that make an incident urgent: every leader @-mentioned at once, the clocks halved,
       * quiet hours ignored. Three or more injured (3人受伤, 三名学生受伤) is urgent too.
       */
      urgent_words: z.array(z.string().min(1)).default(["死亡", "溺水", "失踪"]),
    })
    .default({ ack_minutes: 15, follow_up_hours: 4, on_duty: [], urgent_words: ["死亡", "溺水", "失踪"] }),
  /** When reports that came in after a tally are gathered into one 补报 note. */
  late_note: z
    .strictObject({ at: clockTime, group: z.string().default("leaders") })
    .default({ at: "17:00", group: "leaders" }),
});

export type ConfigInput = z.input<typeof configSchema>;
export type Config = z.output<typeof configSchema>;
export type TaskConfig = z.output<typeof taskSchema>;
export type ScheduleConfig = z.output<typeof schedule>;
export type GroupConfig = z.output<typeof group>;
export type BotConfig = z.output<typeof bot>;
export type HostedBotConfig = z.output<typeof hostedBot>;
/** A report kind's id: a key of `tasks`. */
export type TaskId = string;

/** The declared kinds' ids, in the config's order. */
export function listTaskIds(config: Pick<Config, "tasks">): TaskId[] {
  return Object.keys(config.tasks);
}
