import type { Logger } from "pino";
import type { MessageMoments, TaskCalendar } from "../time/task-calendar.js";
import type { NormalizedText, WordsAroundKeyword } from "../text/words.js";
import type { Config, TaskId } from "../config/schema.js";
import type { Roster, School } from "../config/roster.js";
import type { EnqueueOptions, Push } from "../message/push.js";
import type { ExemptionStore } from "../store/exemptions.js";
import type { ReportStore } from "../store/reports.js";
import type { ReminderCooldowns } from "../store/reminders.js";
import type { Incident, IncidentStep, IncidentStore } from "../store/incidents.js";
import type { CardSelection } from "./events.js";
import type { BotCard } from "../message/card.js";
import type { LocalDate } from "../time/local-time.js";


/** The part of the push pipeline commands and jobs use. */
export interface Pusher {
  /**
   * Queues a push. Asked to (`estimate`), answers roughly the ms until it has gone out, given
   * what waits before it in its group's rate window; undefined when not asked.
   */
  enqueue(push: Push, options?: EnqueueOptions): Promise<number | undefined>;
}

/** Who may use a command. Reporters come from the roster; leaders and admins from the config. */
export type Role = "reporter" | "leader" | "admin";

/** The words after the command keyword, and around it: folded for parsing, and any part of them as typed (words.ts readAroundKeyword). */
export type CommandInput = WordsAroundKeyword;

/** The school the examples name (城关一小 of the example roster); help shows a reporter his own. */
export const EXAMPLE_SCHOOL = "城关一小";

/** What one message is, whichever command answers it: who sent it, where, when. */
export interface MessageContext {
  sender: { userid: string; name: string };
  roles: ReadonlySet<Role>;
  /** Schools the sender reports for (empty when not a reporter). */
  schools: readonly School[];
  now: Date;
  msgid: string;
  /** The whole message as typed (mention removed), for the audit log. */
  raw: string;
  chat: { type: "single" | "group"; id?: string };
  /**
   * Set while a leader or admin enters a report for `schools[0]` (代报): the report is marked
   * as entered on the school's behalf, by the sender.
   */
  onBehalf?: boolean;
  log: Logger;
}

/** What a command may ask for; it is given only what it declares (CommandSpec.services). */
export interface Services {
  config: Config;
  roster: Roster;
  /** The reports, to read. */
  store: ReportStore;
  /** The reports, to record: each record keeps the message's reply with it (see CommandSpec.services). */
  records: Pick<ReportStore, "put" | "withdraw" | "recalled">;
  /** Schools excused from a task for some periods (免报). */
  exemptions: ExemptionStore;
  calendar: TaskCalendar;
  /**
   * The calendar's look at the message's instant (`now`) for the command's task (every configured
   * task for a command of none, 代报): its period, lateness, what else is due, and where a repeat
   * of the message may have been recorded.
   */
  moments: MessageMoments;
  /** Every command, for commands that hand part of a message to another (代报). */
  commands: CommandRegistry;
  /** Queues a message to a group's robot webhook (delivered by the workers). */
  push: Pusher;
  /** The last reminder per task, period and group (提醒's cooldown). */
  cooldowns: ReminderCooldowns;
  /**
   * Incidents (#12) to read and step; `schedule` sets an open incident's clocks again after a
   * step; `tell` queues what a step says to the leaders' groups holding the school (over the
   * whole roster, whoever took the step), with the first acknowledgement it carries.
   */
  incidents: IncidentStore & {
    schedule(incident: Incident): Promise<void>;
    tell(incident: Incident, step: IncidentStep & { kind: "follow-up" | "final" | "close"; by: string; text: string }, shown?: { by: string; at: string }): Promise<void>;
  };
  /** The help text for the sender, generated from the command specs. */
  help(): string;
}

export type ServiceName = keyof Services;

/** What a command handles one message with: the message, and the services it declared. */
export type CommandContext<S extends ServiceName = ServiceName> = MessageContext & Pick<Services, S>;

/**
 * A chat command, declared: its keywords, who may use it, examples (shown in help and in every
 * usage error), a parser that only reads, and a runner that records and replies.
 */
export interface CommandSpec<A = unknown, S extends ServiceName = ServiceName> {
  id: string;
  /**
   * The services the command uses. One that declares `records` keeps its reply where it
   * records, with the report by msgid, and answers a repeated message from there; for every
   * other command the dispatcher keeps the reply by msgid.
   */
  services: readonly S[];
  /**
   * Keywords in simplified script; the first is the one shown in help. A keyword is found
   * anywhere in a message (今日平安, 报个平安), the leftmost one winning.
   */
  aliases: readonly string[];
  /**
   * Everyday words that name the command only as the message's first word (本校 alone is the
   * status; 本校今日平安 is a 平安 report).
   */
  firstWords?: readonly string[];
  /**
   * Everyday words that name the command anywhere in a message, but only when it names no other
   * command (正常 and 今天正常上课 are 平安 reports; 体温正常，学习 50/52 is a 学习 one).
   */
  lastResort?: readonly string[];
  roles: readonly Role[] | "anyone";
  /**
   * A leaders' command a reporter may mean his own by (结案 for 终报): the keyword he sends
   * instead, and when; he is shown his message with it.
   */
  reporterInstead?: { keyword: string; when: string };
  /** One line for the help text. */
  summary: string;
  /** Whole messages as a user types them, without the @mention. */
  examples: readonly string[];
  /** An example as it fits one school (a report's figures within its roster) and the day it is shown (a date field's day); as written without it. */
  fitExample?(example: string, fit: { school?: School; today: LocalDate }): string;
  /** The task this command reports on, if any (the help's grouping, and the one task its `moments` hold). */
  task?: TaskId;
  /** Reads the arguments; throws a Usage error (ErrorCode.Usage). Must not touch the store. */
  parse(input: CommandInput, ctx: CommandContext<S>): A;
  /** Does the work and returns the markdown reply. */
  run(args: A, ctx: CommandContext<S>): Promise<string>;
  /**
   * A card shown below the reply where the transport can (the check-in buttons under 帮助 and
   * 状态, a kind's answers under its bare word); also below the same reply given again to a
   * repeated message. `input` is the message's words, as `parse` was given them.
   */
  card?(ctx: CommandContext<S>, input: CommandInput): BotCard | undefined | Promise<BotCard | undefined>;
  /**
   * Answers a tap on a button of the command's card with the card that replaces it for the
   * tapper; the key is as WeCom sent it back, unchecked.
   */
  tap?(tap: CardTap, ctx: CommandContext<S>): Promise<BotCard>;
  /**
   * The `t` of the keys (small JSON) of the command's buttons: taps whose key names it come to
   * this command (see tap-key.ts). The one command that answers taps without a topic answers
   * every other tap, keys not ours among them.
   */
  tapTopic?: string;
}

/** What WeCom tells of a tap: the button's key (unchecked), the card's task_id, which the update reuses, and the dropdown's choice. */
export interface CardTap {
  key: string;
  cardId: string;
  selected?: CardSelection;
}

export function defineCommand<A, S extends ServiceName>(spec: CommandSpec<A, S>): CommandSpec<A, S> {
  return spec;
}

export interface CommandMatch {
  spec: CommandSpec;
  input: CommandInput;
  /** The keyword was the first thing in the message (not found inside other words). */
  atStart: boolean;
}

/** How a message is matched to a command. */
export interface MatchOptions {
  /** Text that is never read as a keyword, e.g. school names (平安县东湖镇中心小学 holds 平安). */
  ignore?: readonly string[];
  /**
   * Whether the sender may use a command. A keyword inside the message whose command the sender
   * may not use is passed over for a later one he may (已提醒家长防溺水… is not 提醒).
   */
  allowed?(spec: CommandSpec): boolean;
}

export interface CommandRegistry {
  readonly specs: readonly CommandSpec[];
  /**
   * A message as typed, read: folded as parsers read it (normalizeText, `botName`'s @mention
   * removed) and the command it names (`match`), when it holds any words.
   */
  read(raw: string, botName: string, options?: MatchOptions): { text: NormalizedText; match?: CommandMatch };
  /**
   * The command a message names, with its arguments: the keyword at the start, else the
   * leftmost keyword of a command the sender may use, else the leftmost of any (longest keyword
   * wins at one place); undefined when no keyword is found.
   */
  match(text: NormalizedText, options?: MatchOptions): CommandMatch | undefined;
  /**
   * For a message that names no command: the keyword of one the sender may use that it seems
   * to mean (平按 → 平安, see findNearMiss), never read as that command.
   */
  suggest(text: NormalizedText, options?: MatchOptions): Promise<string | undefined>;
}
