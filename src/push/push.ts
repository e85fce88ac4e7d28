/** The push queue's vocabulary: its jobs' data and the bodies they carry (types only). */
import type { PushLine, PushRecheck } from "../message/push.js";
import type { ButtonInteractionCard } from "../wecom/template-card.js";

/** A job of the push queue: one part of a push, or a turn at a group's alert mailbox. */
export type PushJobData = PartJobData | DrainJobData;

/** Drain the alert mailbox of a group. */
export interface DrainJobData {
  kind: "drain";
  group: string;
}

/** One part of a push, already rendered. Jobs queued before `kind` existed are parts too. */
export interface PartJobData {
  kind?: "part";
  idempotencyKey: string;
  group: string;
  /** 0-based. */
  part: number;
  parts: number;
  body: PartBody;
  /** For a push with `recheck`: the check and this part's header and lines, to re-render at delivery. */
  recheck?: PushRecheck & { header?: string; lines: PushLine[] };
}

/** The JSON body of one webhook call (wecom-protocol.md, group robot webhook). */
export type WebhookBody =
  | { msgtype: "text"; text: { content: string; mentioned_list?: string[] } }
  | { msgtype: "markdown"; markdown: { content: string } };

/** The body of one part of a push: a text or markdown message, a picture, or a card (groups `via: bot` only). */
export type PartBody = WebhookBody | ImageBody | CardBody;

/** An interactive template card, which only the smart bot can push (`aibot_send_msg`); group robots cannot. */
export type CardBody = { msgtype: "template_card"; template_card: ButtonInteractionCard };

/** A picture for a group robot: base64 of a PNG or JPG and the md5 (hex) of its raw bytes, ≤ 2 MB before base64. */
export type ImageBody = { msgtype: "image"; image: { base64: string; md5: string } };
