import type { Bindings, Logger } from "pino";
import type { Clock } from "../clock/clock.js";
import type { Config } from "../config/schema.js";
import type { Roster, School } from "../config/roster.js";
import type { ExemptionStore } from "../store/exemptions.js";
import type { ReplyStore } from "../store/replies.js";
import type { ReportStore } from "../store/reports.js";
import type { ReminderCooldowns } from "../store/reminders.js";
import type { TaskCalendar } from "../time/task-calendar.js";
import { toLocalDate } from "../time/local-time.js";
import { ErrorCode, asCodedError, isUserMistake, codeOf, hasCode } from "../errors.js";
import { botText } from "./bot-text.js";
import type { CommandContext, CommandInput, CommandMatch, CommandRegistry, CommandSpec, MessageContext, Pusher, Role, Services } from "./command.js";
import type { BotEvent, BotReply, Chat, CommandOutcome } from "./events.js";
import type { BotCard } from "../message/card.js";
import { formatExamples, formatHelp, formatHints } from "./help.js";
import { isAllowed } from "./registry.js";
import { readTapTopic } from "./tap-key.js";
import { rosterOfPerson } from "../config/scope.js";
import { shortNameOf } from "../config/school.js";

export interface DispatcherDeps {
  config: Config;
  roster: Roster;
  store: ReportStore;
  exemptions: ExemptionStore;
  replies: ReplyStore;
  calendar: TaskCalendar;
  push: Pusher;
  cooldowns: ReminderCooldowns;
  incidents: Services["incidents"];
  registry: CommandRegistry;
  clock: Clock;
  log: Logger;
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

/**
 * How long after a message WeCom may still send it again (its retries take seconds): the
 * calendar's look at a message reaches back this far for the period a repeat may be kept in.
 */
const REPEAT_WINDOW_MS = 10 * 60_000;

type TextMessage = Extract<BotEvent, { kind: "text" }>;
/** A user as the bot knows him: his roles, and the schools he reports for. */
type Sender = { roles: Set<Role>; schools: readonly School[] };
/** A text message's command with its arguments and context, or the answer when it names none the sender may use. */
type Routed = { spec: CommandSpec; input: CommandInput; ctx: CommandContext } | string;

export function createDispatcher(deps: DispatcherDeps): Dispatcher {
  const { config, roster, registry, clock, replies } = deps;
  const botName = config.bot.name;
  const leaders = new Map(config.leaders.map((p) => [p.userid, p.name]));
  const admins = new Map(config.admins.map((p) => [p.userid, p.name]));
  const tappers = new Map(registry.specs.flatMap((spec) => (spec.tap ? [[spec.tapTopic, { spec, tap: spec.tap }] as const] : [])));
  /** The command whose card the tapped button is on, by its key's topic; the one without a topic answers the rest. */
  const tapperOf = (key: string) => tappers.get(readTapTopic(key)) ?? tappers.get(undefined);
  /**
   * Each user's taps, one after the other: a double tap arrives as two events at once, and the
   * second must see what the first recorded (a school reported today is not recorded again).
   */
  const tapsInFlight = new Map<string, Promise<unknown>>();
  const oneTapAtATime = <T>(userid: string, work: () => Promise<T>): Promise<T> => {
    const done = (tapsInFlight.get(userid) ?? Promise.resolve()).then(work, work);
    const settled = done.catch(() => {});
    tapsInFlight.set(userid, settled);
    void settled.then(() => {
      if (tapsInFlight.get(userid) === settled) tapsInFlight.delete(userid);
    });
    return done;
  };

  /** Who a user is to the bot: his roles, and the schools he reports for (read from the roster's people once). */
  const senderOf = (userid: string): Sender => {
    const listed = roster.people.get(userid);
    const roles = new Set<Role>();
    // Everyone the roster lists reports: a 上报人 for his schools, a role's person (校医) the kinds of his role.
    if (listed) roles.add("reporter");
    if (leaders.has(userid)) roles.add("leader");
    if (admins.has(userid)) roles.add("admin");
    return { roles, schools: listed?.schools ?? [] };
  };

  /**
   * The roster a command reads: a reporter's command the whole roster (it works among the
   * sender's own schools); a leader's or admin's only his node's schools (scope.ts), so that no
   * command of theirs sees, names or counts a school outside it.
   */
  const rosterFor = (spec: CommandSpec, userid: string) =>
    spec.roles === "anyone" || spec.roles.includes("reporter") ? roster : rosterOfPerson(roster, config, userid);

  /** The services every command may declare but those made per message: the sender's help, and the calendar's look at its instant. */
  const shared: Omit<Services, "help" | "moments"> = {
    config,
    roster,
    store: deps.store,
    records: deps.store,
    exemptions: deps.exemptions,
    calendar: deps.calendar,
    commands: registry,
    push: deps.push,
    cooldowns: deps.cooldowns,
    incidents: deps.incidents,
  };

  /** What `spec` handles one event with: the message, and only the services it declares. */
  const contextFor = (spec: CommandSpec, message: { msgid: string; userid: string; chat: Chat }, raw: string, { roles, schools }: Sender, log: Logger): CommandContext => {
    const now = clock.now();
    const ctx: MessageContext & Partial<Services> = {
      sender: { userid: message.userid, name: nameOf(message.userid) },
      roles,
      schools,
      now,
      msgid: message.msgid,
      raw,
      chat: message.chat,
      log,
    };
    for (const name of spec.services) {
      if (name === "help") ctx.help = () => formatHelp(registry.specs, roles, botName, { schools, today: toLocalDate(now, config.timezone) });
      else if (name === "roster") ctx.roster = rosterFor(spec, message.userid);
      else if (name === "moments") ctx.moments = deps.calendar.momentsAt(now, REPEAT_WINDOW_MS, spec.task === undefined ? undefined : [spec.task]);
      else (ctx as unknown as Record<string, unknown>)[name] = shared[name];
    }
    return ctx as CommandContext;
  };

  /** The command a text message names and its context, or the answer when there is none the sender may use. */
  const route = async (message: TextMessage, log: Logger): Promise<Routed> => {
    const sender = senderOf(message.userid);
    const { roles } = sender;
    if (roles.size === 0) return botText.unknownSender(config);
    // School names never count as keywords: 平安县东湖镇中心小学 holds 平安.
    const options = { ignore: roster.identifiers, allowed: (spec: CommandSpec) => isAllowed(spec, roles) };
    const { text, match } = registry.read(message.text, botName, options);
    if (!text.folded) return botText.empty(botName);
    if (!match) {
      const meant = await registry.suggest(text, options);
      return meant ? botText.didYouMean(botName, meant) : notUnderstood(text.typed, sender);
    }
    const { spec, input } = match;
    if (!isAllowed(spec, roles)) return refuse(spec, match, sender, text.typed, message.userid);
    return { spec, input, ctx: contextFor(spec, message, text.typed, sender, log) };
  };

  /**
   * The reply to one routed text message; user errors become their Chinese text, anything else
   * throws. `ran` is told how the command went, whether it answered or threw.
   */
  const answer = async (routed: Routed, ran: (outcome: CommandOutcome) => void): Promise<string> => {
    if (typeof routed === "string") return routed;
    const { spec, input, ctx } = routed;
    const { roles, schools } = ctx;
    // Read beside the command, not after it: a round trip less in each leader's reply.
    const warnings = readWarnings(roles);
    try {
      const reply = await spec.run(spec.parse(input, ctx), ctx);
      // The message's one line, tagged as its logger's lines are but without making that logger.
      deps.log.info({ msgid: ctx.msgid, command: spec.id }, "command done");
      ran({ id: spec.id, result: "ok" });
      return withWarnings(reply, await warnings);
    } catch (error) {
      ran({ id: spec.id, result: isUserMistake(error) ? "user_error" : "failed" });
      const failed = asCodedError(error);
      switch (failed.code) {
        case ErrorCode.Usage:
          return botText.usage(failed.message, botName, failed.details.examples ?? formatExamples(spec, { schools, today: toLocalDate(ctx.now, config.timezone) }));
        default:
          // Another mistake of the user's (errors.ts says which): its message is the reply.
          if (!isUserMistake(failed)) throw error;
          deps.log.info({ msgid: ctx.msgid, command: spec.id, code: failed.code }, "command refused");
          return failed.message;
      }
    }
  };

  /** The card a message's command shows below its reply, if any; never in the way of the reply. */
  const cardFor = async (routed: Routed, log: Logger): Promise<BotCard | undefined> => {
    try {
      return typeof routed === "string" ? undefined : await routed.spec.card?.(routed.ctx, routed.input);
    } catch (error) {
      log.warn({ err: error }, "card not drawn");
      return undefined;
    }
  };

  /**
   * The answer to a command the sender may not use, fitting who he is: a leader or admin who
   * sends a school's report is shown the 代报 form of his own message; a reporter who sends a
   * leader's command is told it is the leaders'; a leader's keyword found inside a reporter's
   * message (已提醒…) was not meant as one.
   */
  const refuse = (spec: CommandSpec, { atStart, input }: CommandMatch, sender: Sender, typed: string, userid: string): string => {
    const { roles } = sender;
    const keyword = spec.aliases[0] ?? spec.id;
    if (roles.has("leader") || roles.has("admin")) {
      const school = rosterOfPerson(roster, config, userid).schools[0];
      if (spec.task && school) return botText.forReporters(botName, keyword, `代报 ${shortNameOf(school)} ${typed}`);
      return botText.forReporters(botName, keyword);
    }
    if (!atStart) return notUnderstood(typed, sender);
    const instead = spec.reporterInstead && { when: spec.reporterInstead.when, message: `${spec.reporterInstead.keyword} ${input.original().trim()}`.trim() };
    return botText.forLeaders(botName, keyword, instead);
  };

  /** Words that name no command the sender may use: what a reporter may write is his own kinds', as they fit his school. */
  const notUnderstood = (typed: string, { roles, schools }: Sender) =>
    botText.notUnderstood(botName, typed, roles.has("reporter") ? formatHints(registry.specs, deps.calendar.tasks, { schools, today: toLocalDate(clock.now(), config.timezone) }) : undefined);

  /** A person by name: leaders and admins from the config, reporters from the roster, else the account. */
  const nameOf = (userid: string) => leaders.get(userid) ?? admins.get(userid) ?? roster.people.get(userid)?.name ?? userid;

  /** The warnings a leader or admin reads with his reply; none for anyone else. A command that fails leaves them unread. */
  const readWarnings = (roles: ReadonlySet<Role>): Promise<string[]> => {
    if (!deps.warnings || !(roles.has("leader") || roles.has("admin"))) return Promise.resolve([]);
    const read = deps.warnings();
    read.catch(() => {});
    return read;
  };

  const withWarnings = (reply: string, lines: readonly string[]): string => (lines.length === 0 ? reply : `${reply}\n\n${lines.join("\n")}`);

  /**
   * The answer kept for a msgid: WeCom repeats callbacks, and a repeat gets the first answer
   * again without running anything; a new one is answered and kept (the first kept wins when
   * two arrive at once). If keeping it fails the message was still handled: it is answered.
   */
  const answerOnce = async (msgid: string, log: Logger, answer: () => Promise<string>): Promise<{ kept: string; repeated: boolean }> => {
    const seen = await replies.get(msgid);
    if (seen !== undefined) return { kept: seen, repeated: true };
    const fresh = await answer();
    try {
      return { kept: await replies.keepFirst(msgid, fresh), repeated: false };
    } catch (error) {
      // The message was handled (a report is recorded with its own reply kept beside it): say so.
      log.warn({ err: error }, "answer not kept for the msgid");
      return { kept: fresh, repeated: false };
    }
  };

  /**
   * The answer to a message, once per msgid. A command that declares `records` records reports,
   * which keeps the reply with the report by msgid and answers a repeat from there in the same
   * round trip as the record; any other answer is kept here (answerOnce).
   */
  const answerKept = async (spec: CommandSpec | undefined, msgid: string, log: Logger, answer: () => Promise<string>) =>
    spec?.services.includes("records") ? { kept: await answer(), repeated: false } : answerOnce(msgid, log, answer);

  const handleText = async (event: TextMessage): Promise<BotReply> => {
    const log = lazyChild(deps.log, { msgid: event.msgid });
    let command: CommandOutcome | undefined;
    const ran = (outcome: CommandOutcome) => (command = outcome);
    try {
      // Routing only reads: a repeat is routed as the first was, then answered as it was.
      const routed = await route(event, log);
      const { kept, repeated } = await answerKept(typeof routed === "string" ? undefined : routed.spec, event.msgid, log, () => answer(routed, ran));
      if (repeated) log.info("repeated message, same reply");
      const card = await cardFor(routed, log);
      return { kind: "markdown", content: kept, ...(card && { card }), ...(command && { command }) };
    } catch (error) {
      // Every transport wants a well-formed reply even when we failed: tell the user honestly.
      // The store says when nothing was written (NotRecorded); otherwise it is unknown, and a
      // retry of the message settles it.
      log.error({ err: error, code: codeOf(error) }, "message failed");
      return { kind: "markdown", content: failureText(error), failed: true, ...(command && { command }) };
    }
  };

  /**
   * A tap on a card's button, answered with the card that replaces it for the tapper. The
   * answer is kept by the tap's msgid like a reply, so a repeated callback gets the same card
   * and records nothing again.
   */
  const handleTap = async (event: Extract<BotEvent, { kind: "card_tap" }>, tapper: { spec: CommandSpec; tap: NonNullable<CommandSpec["tap"]> }): Promise<BotReply> => {
    const log = lazyChild(deps.log, { msgid: event.msgid });
    let command: CommandOutcome | undefined;
    const update = (card: BotCard, failed?: boolean): BotReply => ({
      kind: "card_update",
      content: [card.title, card.text].filter(Boolean).join("\n"),
      card,
      userids: [event.userid],
      ...(failed && { failed }),
      ...(command && { command }),
    });
    try {
      const { kept, repeated } = await answerKept(tapper.spec, event.msgid, log, async () => {
        const ctx = contextFor(tapper.spec, event, botText.cardTapRaw, senderOf(event.userid), log);
        const card = await tapper.tap({ key: event.key, cardId: event.cardId, ...(event.selected && { selected: event.selected }) }, ctx);
        command = { id: tapper.spec.id, result: "ok" };
        return JSON.stringify(card);
      });
      if (repeated) log.info("repeated tap, same card");
      return update(JSON.parse(kept) as BotCard);
    } catch (error) {
      log.error({ err: error, code: codeOf(error) }, "tap failed");
      command = { id: tapper.spec.id, result: "failed" };
      // The same button stays, so that tapping it again retries (a tap recorded once is not recorded twice).
      return update({ id: event.cardId, title: botText.tapFailedTitle, text: failureText(error), buttons: [{ text: botText.tapAgain, key: event.key }] }, true);
    }
  };

  return {
    async processEvent(event) {
      switch (event.kind) {
        case "text":
          return handleText(event);
        case "card_tap": {
          // Only the command that draws a card answers its taps; a tap on none of ours gets nothing.
          const tapper = tapperOf(event.key);
          return tapper ? oneTapAtATime(event.userid, () => handleTap(event, tapper)) : undefined;
        }
        case "enter_chat":
          return { kind: "text", content: botText.welcome(botName, senderOf(event.userid).roles.size > 0 ? nameOf(event.userid) : "老师") };
        case "other":
          return { kind: "markdown", content: botText.nonText(botName) };
        case "ignored":
          return undefined;
      }
    },
  };
}

/** What a user is told when his message failed: that nothing was recorded when the store says so, else that it may not have been. */
function failureText(error: unknown): string {
  return hasCode(error, ErrorCode.NotRecorded) ? botText.notRecorded : botText.failure;
}

/**
 * A child of `log` with `bindings`, made when something first reads it: pino serializes (and
 * redacts) a child's bindings when it is made, which cost each message more than its one line,
 * while most messages never log through theirs.
 */
export function lazyChild(log: Logger, bindings: Bindings): Logger {
  let child: Logger | undefined;
  const made = () => (child ??= log.child(bindings));
  return new Proxy(log, {
    get(_, name) {
      const value: unknown = Reflect.get(made(), name);
      return typeof value === "function" ? value.bind(made()) : value;
    },
    set: (_, name, value) => Reflect.set(made(), name, value),
    has: (_, name) => Reflect.has(made(), name),
  });
}
