import { ReplyError } from "ioredis";
import type { Logger } from "pino";
import type { Clock } from "../time/clock.js";
import type { Config } from "../config/schema.js";
import type { Roster } from "../config/roster.js";
import type { ExemptionStore } from "../store/exemptions.js";
import type { ReplyStore } from "../store/replies.js";
import type { ReportStore } from "../store/reports.js";
import type { TaskCalendar } from "../time/task-calendar.js";
import { UsageError, UserError, codeOf } from "../errors.js";
import { botText } from "./bot-text.js";
import type { CommandContext, CommandRegistry, Pusher, Role } from "./command.js";
import type { BotEvent, BotReply, Chat } from "./events.js";
import { formatHelp } from "./help.js";
import { normalizeText } from "./normalize.js";
import { isAllowed } from "./registry.js";

export interface DispatcherDeps {
  config: Config;
  roster: Roster;
  store: ReportStore;
  exemptions: ExemptionStore;
  replies: ReplyStore;
  calendar: TaskCalendar;
  push: Pusher;
  registry: CommandRegistry;
  clock: Clock;
  log: Logger;
  /** Told each command's result, for metrics. */
  onCommand?: (command: string, result: "ok" | "user_error" | "failed") => void;
  /**
   * Lines a leader or admin must read with any reply until fixed (a group whose pushes fail);
   * bounded by the caller, and empty when they cannot be read.
   */
  warnings?: () => Promise<string[]>;
}

/** Routes every event, whichever receiver it came through, to the command that answers it. */
export interface Dispatcher {
  /** The reply to an event, or undefined for none; a repeated msgid gets the reply it got before. */
  processEvent(event: BotEvent): Promise<BotReply | undefined>;
}

export function createDispatcher(deps: DispatcherDeps): Dispatcher {
  const { config, roster, registry, clock, replies } = deps;
  const botName = config.bot.name;
  const leaders = new Map(config.leaders.map((p) => [p.userid, p.name]));
  const admins = new Map(config.admins.map((p) => [p.userid, p.name]));
  const counted = deps.onCommand ?? (() => {});

  const rolesOf = (userid: string): Set<Role> => {
    const roles = new Set<Role>();
    if (roster.schoolsOf(userid).length > 0) roles.add("reporter");
    if (leaders.has(userid)) roles.add("leader");
    if (admins.has(userid)) roles.add("admin");
    return roles;
  };

  /** The reply to one text message; user errors become their Chinese text, anything else throws. */
  const answer = async (message: { msgid: string; userid: string; text: string; chat: Chat }, log: Logger): Promise<string> => {
    const text = normalizeText(message.text, botName);
    const roles = rolesOf(message.userid);
    if (roles.size === 0) return botText.unknownSender(config);
    if (!text.folded) return botText.empty(botName);
    const match = registry.match(text);
    if (!match) return botText.notUnderstood(botName, text.original());
    const { spec, input } = match;
    if (!isAllowed(spec, roles)) return botText.notAllowed(spec.aliases[0] ?? spec.id);

    const ctx: CommandContext = {
      sender: { userid: message.userid, name: leaders.get(message.userid) ?? admins.get(message.userid) ?? message.userid },
      roles,
      schools: roster.schoolsOf(message.userid),
      now: clock.now(),
      msgid: message.msgid,
      raw: text.original(),
      chat: message.chat,
      config,
      roster,
      store: deps.store,
      exemptions: deps.exemptions,
      calendar: deps.calendar,
      push: deps.push,
      commands: registry,
      log,
      help: () => formatHelp(registry.specs, roles, botName),
    };
    try {
      const reply = await spec.run(spec.parse(input, ctx), ctx);
      log.info({ command: spec.id }, "command done");
      counted(spec.id, "ok");
      return await withWarnings(reply, roles);
    } catch (error) {
      counted(spec.id, error instanceof UserError ? "user_error" : "failed");
      if (error instanceof UsageError) return botText.usage(error.message, botName, spec.examples);
      if (error instanceof UserError) {
        log.info({ command: spec.id, code: error.code }, "command refused");
        return error.message;
      }
      throw error;
    }
  };

  const withWarnings = async (reply: string, roles: ReadonlySet<Role>): Promise<string> => {
    if (!deps.warnings || !(roles.has("leader") || roles.has("admin"))) return reply;
    const lines = await deps.warnings();
    return lines.length === 0 ? reply : `${reply}\n\n${lines.join("\n")}`;
  };

  const handleText = async (event: Extract<BotEvent, { kind: "text" }>): Promise<BotReply> => {
    const log = deps.log.child({ msgid: event.msgid });
    let reply: string;
    try {
      const seen = await replies.get(event.msgid);
      if (seen !== undefined) {
        log.info("repeated message, same reply");
        return { kind: "markdown", content: seen };
      }
      reply = await answer(event, log);
    } catch (error) {
      // Every transport wants a well-formed reply even when we failed: tell the user honestly.
      // Redis refusing a command (maxmemory, a script error) means nothing was written; a
      // timeout or a lost connection leaves it unknown, and a retry of the message settles it.
      log.error({ err: error, code: codeOf(error) }, "message failed");
      return { kind: "markdown", content: error instanceof ReplyError ? botText.notRecorded : botText.failure, failed: true };
    }
    try {
      return { kind: "markdown", content: await replies.keepFirst(event.msgid, reply) };
    } catch (error) {
      // The message was handled (a report is recorded with its own reply kept beside it): say so.
      log.warn({ err: error }, "reply not kept for the msgid");
      return { kind: "markdown", content: reply };
    }
  };

  return {
    async processEvent(event) {
      switch (event.kind) {
        case "text":
          return handleText(event);
        case "enter_chat":
          return { kind: "text", content: botText.welcome(botName, leaders.get(event.userid) ?? admins.get(event.userid) ?? "老师") };
        case "other":
          return { kind: "markdown", content: botText.nonText(botName) };
        case "ignored":
          return undefined;
      }
    },
  };
}
