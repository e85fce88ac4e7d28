import type { SettledCheck } from "../message/push.js";
import type { PartJobData } from "./push.js";
import { formatPart, type PartBody } from "./split-message.js";

/**
 * The body a part says at delivery. A part of a push with `recheck` leaves out the lines whose
 * subjects are all settled by now (a school that reported while its reminder waited for the
 * rate window) and is not sent at all (undefined) when no line is left; a card is sent whole
 * unless nothing it was sent for holds; any other part says what it was given.
 */
export async function reviseBody(data: PartJobData, settled: SettledCheck | undefined): Promise<PartBody | undefined> {
  const { recheck } = data;
  if (!recheck || !settled || data.body.msgtype === "image") return data.body;
  const subjects = [...new Set(recheck.lines.flatMap((line) => line.subjects ?? []))];
  if (subjects.length === 0) return data.body;
  const done = await settled(recheck, subjects);
  const kept = recheck.lines.filter((line) => !line.subjects?.length || line.subjects.some((subject) => !done.has(subject)));
  if (kept.length === recheck.lines.length) return data.body;
  if (kept.length === 0) return undefined;
  // A card has no lines to leave out: it goes whole while anything it was sent for holds.
  if (data.body.msgtype === "template_card") return data.body;
  return formatPart(data.body.msgtype, { ...(recheck.header !== undefined && { header: recheck.header }), lines: kept });
}
