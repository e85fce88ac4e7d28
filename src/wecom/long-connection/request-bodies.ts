/** WeCom's acknowledgement of a request, errcode always 0 (non-zero ones reject). */
export interface LongConnectionAck {
  reqId: string;
  errcode: number;
  errmsg: string;
  body?: unknown;
}

/** A template card as WeCom defines it (wecom-protocol.md, "Interactive template cards"). */
export interface TemplateCard {
  card_type: string;
  task_id?: string;
}

/** A stream reply; `content` is markdown of at most 20480 UTF-8 bytes. */
export interface StreamPayload {
  id: string;
  finish: boolean;
  content: string;
  [field: string]: unknown;
}

/** Body of `aibot_respond_msg`, the reply to a message callback. */
export type RespondBody =
  | { msgtype: "stream"; stream: StreamPayload }
  | { msgtype: "stream_with_template_card"; stream: StreamPayload; template_card?: TemplateCard }
  | { msgtype: "template_card"; template_card: TemplateCard }
  | { msgtype: "markdown"; markdown: { content: string } };

/** Body of `aibot_respond_welcome_msg`, allowed within 5 s of `enter_chat`. */
export type WelcomeBody =
  | { msgtype: "text"; text: { content: string } }
  | { msgtype: "template_card"; template_card: TemplateCard };

/** Body of `aibot_respond_update_msg`, allowed within 5 s of the click; without `userids` the card changes for everyone. */
export interface UpdateCardBody {
  response_type?: "update_template_card";
  userids?: string[];
  template_card: TemplateCard;
}

/** Body of `aibot_send_msg` (without `chatid`, which `send` adds). */
export type SendBody =
  | { msgtype: "markdown"; markdown: { content: string } }
  | { msgtype: "template_card"; template_card: TemplateCard }
  | { msgtype: "image"; image: { media_id: string } };

/** A picture as a push carries it (its bytes); the holder uploads it and sends the media_id. */
export interface PictureBody {
  msgtype: "image";
  image: { base64: string; md5: string };
}

/** A frame for whichever process holds the long connection; replies carry the callback's req_id. */
export type OutboundFrame =
  | { cmd: "aibot_send_msg"; chatid: string; body: SendBody | PictureBody }
  | { cmd: "aibot_respond_msg"; reqId: string; body: RespondBody }
  | { cmd: "aibot_respond_welcome_msg"; reqId: string; body: WelcomeBody }
  | { cmd: "aibot_respond_update_msg"; reqId: string; body: UpdateCardBody };
