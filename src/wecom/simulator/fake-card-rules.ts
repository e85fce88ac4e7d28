import { FAKE_ERRCODES, field, refuse, type Verdict } from "./fake-frames.js";

const TASK_ID = /^[0-9A-Za-z_\-@]{1,128}$/;
const MAX_KEY_BYTES = 1024;

/**
 * The refusal of a template card WeCom would refuse (wecom-protocol.md, "Interactive template
 * cards" and "Cards that collect"), or undefined for one it takes: an interactive card needs a
 * task_id of `[0-9A-Za-z_-@]`, at most 128 bytes, and a title; `button_interaction` 1 to 6
 * buttons and at most one dropdown of 1 to 10 options; `vote_interaction` 1 to 20 options;
 * `multiple_interaction` 1 to 3 dropdowns of 1 to 10 options; every key at most 1024 bytes and
 * the option ids of one list distinct.
 */
export function refuseCard(card: unknown): Verdict | undefined {
  const bad = (why: string) => refuse(FAKE_ERRCODES.invalidRequest, `invalid template_card: ${why}`);
  const type = field(card, "card_type");
  if (type === "text_notice" || type === "news_notice") return undefined;
  if (type !== "button_interaction" && type !== "vote_interaction" && type !== "multiple_interaction") return bad(`card_type ${String(type)}`);
  const taskId = field(card, "task_id");
  if (typeof taskId !== "string" || !TASK_ID.test(taskId)) return bad("task_id");
  if (typeof field(field(card, "main_title"), "title") !== "string") return bad("main_title.title");
  if (type === "button_interaction") {
    const buttons = field(card, "button_list");
    if (!Array.isArray(buttons) || buttons.length < 1 || buttons.length > 6) return bad("button_list needs 1 to 6 buttons");
    if (!buttons.every((b) => typeof field(b, "text") === "string" && isKey(field(b, "key")))) return bad("a button needs text and a key of at most 1024 bytes");
    const selection = field(card, "button_selection");
    return selection === undefined ? undefined : refuseOptions(selection, 10, bad);
  }
  const submit = field(card, "submit_button");
  if (!isKey(field(submit, "key")) || typeof field(submit, "text") !== "string") return bad("submit_button");
  if (type === "vote_interaction") return refuseOptions(field(card, "checkbox"), 20, bad);
  const selects = field(card, "select_list");
  if (!Array.isArray(selects) || selects.length < 1 || selects.length > 3) return bad("select_list needs 1 to 3 dropdowns");
  for (const select of selects) {
    const refused = refuseOptions(select, 10, bad);
    if (refused) return refused;
  }
  return undefined;
}

/** A dropdown's or checkbox's options: 1 to `max`, each with a distinct id and a text, under a question_key. */
function refuseOptions(list: unknown, max: number, bad: (why: string) => Verdict): Verdict | undefined {
  if (!isKey(field(list, "question_key"))) return bad("question_key");
  const options = field(list, "option_list");
  if (!Array.isArray(options) || options.length < 1 || options.length > max) return bad(`option_list needs 1 to ${max} options`);
  const ids = options.map((o) => field(o, "id"));
  if (!ids.every((id) => typeof id === "string" && id !== "") || new Set(ids).size !== ids.length) return bad("option ids must be distinct strings");
  if (!options.every((o) => typeof field(o, "text") === "string")) return bad("an option needs a text");
  return undefined;
}

function isKey(value: unknown): boolean {
  return typeof value === "string" && value !== "" && Buffer.byteLength(value, "utf8") <= MAX_KEY_BYTES;
}
