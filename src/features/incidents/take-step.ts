import type { CommandContext } from "../../bot/command.js";
import { readWord, skipSeparators } from "../../text/words.js";
import type { CommandInput } from "../../bot/command.js";
import type { School } from "../../config/roster.js";
import { CodedError, ErrorCode } from "../../errors.js";
import type { Incident, IncidentStep } from "../../store/incidents.js";
import { resolveSchool } from "../check-in/kind-readers.js";
import { reportText } from "../check-in/report-text.js";
import { incidentText } from "./incident-text.js";
import { isBeingRegistered } from "./being-registered.js";
import { shortNameOf } from "../../config/school.js";

type FindContext = CommandContext<"incidents" | "roster" | "store" | "calendar" | "config">;

/** What a step in the chat names: an incident by number (`#12`), else the school's open one. */
export interface StepWords {
  number?: number;
  school?: School;
  text: string;
}

/** A leading `#12` (or `＃12`, folded): the incident's number and where the words after it begin. */
export function readIncidentNumber(folded: string, from = 0): { number: number; end: number } | undefined {
  const match = /^#\s*(\d{1,9})(?!\d)/u.exec(folded.slice(from));
  return match ? { number: Number(match[1]), end: skipSeparators(folded, from + match[0].length) } : undefined;
}

/**
 * The words of a school's 续报 or 终报: `#12` or the school (only a reporter of several schools
 * needs to name it, before the keyword or as the first word after it), then the text as typed.
 */
export function readSchoolStep(input: CommandInput, ctx: CommandContext<"roster" | "config">, keyword: string): StepWords {
  const { folded, original, before } = input;
  const numbered = readIncidentNumber(folded);
  const first = before === "" && !numbered ? readWord(folded, 0) : undefined;
  const named = first && ctx.roster.find(first.word) ? first : undefined;
  const school = numbered ? undefined : resolveSchool(ctx, named ? named.word : before, input.around.quote).school;
  const text = original(numbered?.end ?? skipSeparators(folded, named?.end ?? 0)).trim();
  if (text === "") throw new CodedError(ErrorCode.Usage, incidentText.followUpWhat(keyword));
  const chars = [...text].length;
  const limit = ctx.config.limits.description_chars;
  if (chars > limit) throw new CodedError(ErrorCode.Usage, reportText.descriptionTooLong(chars, limit));
  return { ...(numbered && { number: numbered.number }), ...(school && { school }), text };
}

/**
 * The incident `#number` of the sender's roster, or the answer that says why not: a number
 * above the last one given is an incident still being opened (the alert's turn numbers it), so
 * the answer says to send it again, not that there is none.
 */
export async function findNumberedIncident(ctx: FindContext, number: number): Promise<Incident | string> {
  const incident = await ctx.incidents.read(number);
  // A leader's roster is his node's: an incident outside it is none of his, and he is told so.
  if (incident && ctx.roster.byCode(incident.school)) return incident;
  if (incident) return incidentText.outsideNode(number, ctx.roster.node.name);
  return !incident && (await isBeingRegistered(ctx, { number })) ? incidentText.notNumberedYet(number) : incidentText.noSuchIncident(number);
}

/**
 * A school's open incidents, oldest first, or the answer why there are none: an 异常 in force
 * whose incident is still being registered (send again once the alert names its number), or none.
 */
export async function findOpenIncidents(ctx: FindContext, school: School): Promise<Incident[] | string> {
  const open = (await ctx.incidents.listOpen()).filter((incident) => incident.school === school.code);
  if (open.length > 0) return open;
  const name = shortNameOf(school);
  return (await isBeingRegistered(ctx, { school })) ? incidentText.schoolNotOpenYet(name) : incidentText.noOpenIncident(name);
}

/**
 * The incident a step names: by number, or the school's latest open one; when there is none,
 * the answer that says so (a state of things, like 撤销 with nothing to withdraw: no usage error).
 */
export async function findStepIncident(ctx: FindContext, words: { number?: number; school?: School }): Promise<Incident | string> {
  if (words.number !== undefined) return findNumberedIncident(ctx, words.number);
  const open = await findOpenIncidents(ctx, words.school!);
  return typeof open === "string" ? open : open[open.length - 1]!;
}

/** A step taken in the chat: 续报, 终报, 结案. */
type ChatStep = Extract<IncidentStep["kind"], "follow-up" | "final" | "close">;

/** Each one's reply once recorded. */
const DONE: Record<ChatStep, (incident: Incident, school: School | undefined) => string> = {
  "follow-up": incidentText.followedUp,
  final: incidentText.finalled,
  close: incidentText.closed,
};

/**
 * A school's 续报 or 终报: the incident its words name, which must be one of the sender's
 * schools', stepped (takeStep); or the answer why not.
 */
export async function takeSchoolStep(ctx: FindContext, words: StepWords, kind: Exclude<ChatStep, "close">): Promise<string> {
  const incident = await findStepIncident(ctx, words);
  if (typeof incident === "string") return incident;
  if (!ctx.schools.some((school) => school.code === incident.school)) throw new CodedError(ErrorCode.NotYourSchool, incidentText.notYourIncident(incident.number));
  return takeStep(ctx, incident, kind, words.text);
}

/**
 * Records one step of an incident taken in the chat (续报, 终报, 结案) and tells the leaders of
 * it, once per message: a repeated message steps nothing and queues the same pushes again,
 * which go out once. Answers the reply: that it was recorded, or why not when the incident has ended.
 */
export async function takeStep(ctx: CommandContext<"incidents" | "roster">, incident: Incident, kind: ChatStep, text: string): Promise<string> {
  const step = { kind, by: ctx.sender.userid, at: ctx.now.toISOString(), msgid: `${ctx.msgid}#${incident.number}`, text };
  const result = await ctx.incidents.step(incident.number, step);
  if (result.outcome === "missing") return incidentText.noSuchIncident(incident.number);
  if (result.outcome === "closed") return incidentText.ended(incident.number, result.status);
  const shown = result.outcome === "ok" ? result.shown : undefined;
  await ctx.incidents.tell(incident, step, shown);
  // A follow-up restarts the follow-up clock.
  await ctx.incidents.schedule((await ctx.incidents.read(incident.number)) ?? incident);
  return DONE[kind](incident, ctx.roster.byCode(incident.school));
}
