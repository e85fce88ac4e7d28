import type { Cluster, Redis } from "ioredis";
import type { Logger } from "pino";
import type { Clock } from "../clock.js";
import type { Config } from "../config/schema.js";
import { TTL, type Keys } from "../redis/keys.js";
import type { Roster } from "../roster.js";
import type { ExemptionStore } from "../store/exemption-store.js";
import type { ReportStore } from "../store/report-store.js";
import type { TaskPeriods } from "../tasks/task-periods.js";
import { botText } from "../text/bot-text.js";
import type { CommandContext, Pusher, Role } from "./command.js";
import { isAllowed, type CommandRegistry } from "./command-registry.js";
import { UsageError, UserError } from "./errors.js";
import { formatHelp } from "./format-help.js";
import { normalizeText } from "./normalize.js";

/** A text message addressed to the bot, free of WeCom's wire format. */
export interface IncomingMessage {
  msgid: string;
  userid: string;
  text: string;
  chat: { type: "single" | "group"; id?: string };
}

export interface BotDeps {
  config: Config;
  roster: Roster;
  store: ReportStore;
  exemptions: ExemptionStore;
  periods: TaskPeriods;
  push: Pusher;
  registry: CommandRegistry;
  redis: Redis | Cluster;
  keys: Keys;
  clock: Clock;
  log: Logger;
  /** Told each command's result, for metrics. */
  onCommand?: (command: string, result: "ok" | "user_error" | "failed") => void;
}

export interface Bot {
  /** The markdown reply to a message; the same reply again for a repeated msgid. */
  handle(message: IncomingMessage): Promise<string>;
  /** The greeting for a user who opens the direct chat. */
  welcome(userid: string): string;
  /** The answer to a message that is not text. */
  nonText(): string;
}

export function createBot(deps: BotDeps): Bot {
  const { config, roster, registry, redis, keys, clock } = deps;
  const botName = config.bot.name;
  const leaders = new Map(config.leaders.map((p) => [p.userid, p.name]));
  const admins = new Map(config.admins.map((p) => [p.userid, p.name]));

  const rolesOf = (userid: string): Set<Role> => {
    const roles = new Set<Role>();
    if (roster.schoolsOf(userid).length > 0) roles.add("reporter");
    if (leaders.has(userid)) roles.add("leader");
    if (admins.has(userid)) roles.add("admin");
    return roles;
  };

  const answer = async (message: IncomingMessage, log: Logger): Promise<string> => {
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
      periods: deps.periods,
      push: deps.push,
      log,
      help: () => formatHelp(registry.specs, roles, botName),
    };
    const counted = deps.onCommand ?? (() => {});
    try {
      const args = spec.parse(input, ctx);
      const reply = await spec.run(args, ctx);
      log.info({ command: spec.id }, "command done");
      counted(spec.id, "ok");
      return reply;
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

  return {
    async handle(message) {
      const log = deps.log.child({ msgid: message.msgid });
      const replyKey = keys.callbackReply(message.msgid);
      const seen = await redis.get(replyKey);
      if (seen !== null) {
        log.info("repeated callback, same reply");
        return seen;
      }
      const reply = await answer(message, log);
      // NX: when WeCom retries while the first attempt is still running, both get the first reply.
      const stored = await redis.set(replyKey, reply, "EX", TTL.callbackReplySeconds, "NX", "GET");
      return stored ?? reply;
    },
    welcome: (userid) => botText.welcome(botName, leaders.get(userid) ?? admins.get(userid) ?? "老师"),
    nonText: () => botText.nonText(botName),
  };
}
