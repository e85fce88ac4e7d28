import type { Logger } from "pino";
import type { TaskCalendar } from "../time/task-calendar.js";
import type { NormalizedText } from "./normalize.js";
import type { Config, TaskId } from "../config/schema.js";
import type { Roster, School } from "../config/roster.js";
import type { Push } from "../push/push.js";
import type { ExemptionStore } from "../store/exemptions.js";
import type { ReportStore } from "../store/reports.js";


/** The part of the push pipeline the web process uses: enqueue only. */
export interface Pusher {
  enqueue(push: Push): Promise<void>;
}

/** Who may use a command. Reporters come from the roster; leaders and admins from the config. */
export type Role = "reporter" | "leader" | "admin";

/** The words after the command keyword: folded for parsing, and any part of them as typed. */
export interface CommandInput {
  folded: string;
  /** The characters as typed behind `folded[start, end)` (for free text). */
  original(start?: number, end?: number): string;
}

/** Everything a command may use while handling one message. */
export interface CommandContext {
  sender: { userid: string; name: string };
  roles: ReadonlySet<Role>;
  /** Schools the sender reports for (empty when not a reporter). */
  schools: readonly School[];
  now: Date;
  msgid: string;
  /** The whole message as typed (mention removed), for the audit log. */
  raw: string;
  chat: { type: "single" | "group"; id?: string };
  config: Config;
  roster: Roster;
  store: ReportStore;
  /** Schools excused from a task for some periods (免报). */
  exemptions: ExemptionStore;
  calendar: TaskCalendar;
  /** Every command, for commands that hand part of a message to another (代报). */
  commands: CommandRegistry;
  /**
   * Set while a leader or admin enters a report for `schools[0]` (代报): the report is marked
   * as entered on the school's behalf, by the sender.
   */
  onBehalf?: boolean;
  /** Queues a message to a group's robot webhook (delivered by the workers). */
  push: Pusher;
  log: Logger;
  /** The help text for the sender, generated from the command specs. */
  help(): string;
}

/**
 * A chat command, declared: its keywords, who may use it, examples (shown in help and in every
 * usage error), a parser that only reads, and a runner that records and replies.
 */
export interface CommandSpec<A = unknown> {
  id: string;
  /** Keywords in simplified script; the first is the one shown in help. */
  aliases: readonly string[];
  roles: readonly Role[] | "anyone";
  /** One line for the help text. */
  summary: string;
  /** Whole messages as a user types them, without the @mention. */
  examples: readonly string[];
  /** The task this command reports on, if any (for the help grouping). */
  task?: TaskId;
  /** Reads the arguments; throws UsageError. Must not touch the store. */
  parse(input: CommandInput, ctx: CommandContext): A;
  /** Does the work and returns the markdown reply. */
  run(args: A, ctx: CommandContext): Promise<string>;
}

export function defineCommand<A>(spec: CommandSpec<A>): CommandSpec<A> {
  return spec;
}

export interface CommandMatch {
  spec: CommandSpec;
  input: CommandInput;
}

export interface CommandRegistry {
  readonly specs: readonly CommandSpec[];
  /** The command whose keyword starts the text (longest keyword wins), with its arguments. */
  match(text: NormalizedText): CommandMatch | undefined;
}
