import { foldWord } from "../text/words.js";
import type { FieldDeclaration, FieldType, ReaderName, RuleDeclaration } from "./kind-schema.js";
import type { Config, TaskConfig, TaskId } from "./schema.js";

/** A report kind as the product runs it: its declaration, with its reader's own filling what the config leaves out. */
export interface ReportKind {
  id: TaskId;
  name: string;
  /** A named reader, or `fields`: the generic reader of the declared fields. */
  reader: KindReaderName;
  words: readonly string[];
  summary: string;
  fields: Readonly<Record<string, FieldDeclaration>>;
  rules: readonly RuleDeclaration[];
  examples: readonly string[];
}

/** The reader of a kind: one of the named readers, or the generic reader of declared fields. */
export type KindReaderName = ReaderName | "fields";

/** What a named reader declares of itself: what it records (field ids and types are its contract with the store) and how it is started. */
export type ReaderDeclaration = Omit<ReportKind, "id" | "name" | "reader">;

const field = (type: FieldType, label: string, options: Partial<FieldDeclaration> = {}): FieldDeclaration => ({ type, label, required: false, ...options });

/**
 * The three readers' declarations: the words, fields and examples of 平安日报, 防溺水 and 周学习 as
 * the product has always read and stored them. A config that declares a kind without some of
 * these keys gets the reader's (a bureau's pingan.yaml from before declarations runs unchanged).
 */
export const READER_DECLARATIONS: Readonly<Record<ReaderName, ReaderDeclaration>> = {
  safety: {
    // The ways principals say nothing happened; 无异常 and 没有异常 are whole keywords, never 异常.
    words: [
      "平安", "报平安", "零报告", "安全零报告", "平安日报", "一切正常", "一切安好", "无异常", "没有异常", "没异常",
      "未见异常", "未发现异常", "无任何异常", "无事故", "无安全事故", "未发生事故", "未发生安全事故",
      // 今日无事, 安全无事; 无事故 is the longer keyword where both start.
      "无事", "今日正常", "今天正常", "情况正常", "一切如常",
    ],
    summary: "报今日平安（无异常），可附在校学生数",
    fields: {
      status: field("status", "状态", { required: true }),
      description: field("text", "异常情况"),
      present: field("count", "在校", { roster: "pupils" }),
      remark: field("text", "备注"),
    },
    rules: [{ field: "status", equals: "abnormal", alert: "异常" }],
    examples: ["平安", "平安 在校1200", "平安 城关一小"],
  },
  drowning: {
    words: ["防溺水", "防溺水提醒", "溺水"],
    summary: "报防溺水家长提醒：已提醒人数/应提醒人数，可附方式（电话 短信 家访 告家长书 家长会 微信）",
    fields: {
      reached: field("count", "已提醒", { required: true, total: "total" }),
      total: field("count", "应提醒", { roster: "pupils" }),
      channels: field("choice", "方式", { multiple: true, options: ["电话", "短信", "家访", "告家长书", "家长会", "微信"] }),
    },
    rules: [],
    examples: ["防溺水 1180/1200 电话", "防溺水 已提醒1180 共1200", "防溺水 完成"],
  },
  study: {
    words: ["学习", "周学习", "政治学习"],
    summary: "报本周教职工政治学习：实到/应到，可附请假人数和主题",
    fields: {
      attended: field("count", "实到", { required: true, total: "expected" }),
      expected: field("count", "应到", { roster: "staff" }),
      leave: field("count", "请假"),
      topic: field("text", "主题"),
    },
    rules: [],
    examples: ["学习 50/52", "学习 应到52 实到50 请假2 主题:学习党的二十届四中全会精神", "学习 实到50"],
  },
};

/**
 * The reader a kind's declaration names; a kind that names none is read by the reader of its own
 * id (safety, drowning, study: a config from before declarations), any other by the generic one.
 */
export function readerOf(id: TaskId, task: Pick<TaskConfig, "reader">): KindReaderName {
  return task.reader ?? (id in READER_DECLARATIONS ? (id as ReaderName) : "fields");
}

/** The kind with this id, declared or its reader's own (see listKinds); undefined for an id the product does not know. */
export function kindOf(config: Pick<Config, "tasks">, id: TaskId): ReportKind | undefined {
  return kindsById(config).get(id);
}

// A check-in asks for its kind: resolved once per config (which is frozen), not per message.
const resolved = new WeakMap<object, ReadonlyMap<TaskId, ReportKind>>();
function kindsById(config: Pick<Config, "tasks">): ReadonlyMap<TaskId, ReportKind> {
  let byId = resolved.get(config.tasks);
  if (!byId) {
    byId = new Map(listKinds(config).map((kind) => [kind.id, kind]));
    resolved.set(config.tasks, byId);
  }
  return byId;
}

/** A word as messages are matched against it: NFKC, simplified script, lower case. */

/** Words that name a kind besides its own words and name: 安全, 日报 and 异常 name 平安日报 in 撤销 and 未报. */
const READER_NAMES_TOO: Partial<Record<KindReaderName, readonly string[]>> = { safety: ["安全", "日报", "异常"] };
const taskWordMaps = new WeakMap<object, ReadonlyMap<string, TaskId>>();

/** The words that name each kind in 撤销, 未报, 提醒 and 免报 (folded): its words, its name, and its reader's other names. */
export function taskWordsOf(config: Pick<Config, "tasks">): ReadonlyMap<string, TaskId> {
  let words = taskWordMaps.get(config.tasks);
  if (!words) {
    const map = new Map<string, TaskId>();
    for (const kind of listKinds(config)) {
      for (const word of [...kind.words, kind.name, ...(READER_NAMES_TOO[kind.reader] ?? [])]) {
        const folded = foldWord(word);
        if (!map.has(folded)) map.set(folded, kind.id);
      }
    }
    words = map;
    taskWordMaps.set(config.tasks, words);
  }
  return words;
}

/** The kinds the config turns on, in its order: the one decision of which kinds principals report. */
export function enabledKinds(config: Pick<Config, "tasks">): ReportKind[] {
  return Object.entries(config.tasks).flatMap(([id, task]) => (task?.enabled ? [resolveKind(id, task)] : []));
}

/** How a reply names the kinds when it asks which one (可写：平安、防溺水、学习、晨午检): each enabled kind by its first word. */
export function enabledKindWords(config: Pick<Config, "tasks">): string[] {
  return firstWordsOf(enabledKinds(config));
}

/** Each kind by its first word (its name when it has none). */
export function firstWordsOf(kinds: readonly ReportKind[]): string[] {
  return kinds.map((kind) => kind.words[0] ?? kind.name);
}

/**
 * The words that start a kind other than `id` (folded; 防溺水, 学习, 晨检): a report that also
 * holds one, with figures, is two reports in one message (平安 学习 50/52).
 */
export function otherKindWords(enabled: readonly ReportKind[], id: TaskId): string[] {
  return enabled.flatMap((kind) => (kind.id === id ? [] : kind.words.map(foldWord)));
}

/** A declared kind as the product runs it. */
export function resolveKind(id: TaskId, task: TaskConfig): ReportKind {
  const reader = readerOf(id, task);
  // The generic reader has no declaration of its own: check-kinds requires words, fields and examples.
  const own: ReaderDeclaration =
    reader === "fields" ? { words: [], summary: `报${task.name}`, fields: {}, rules: [], examples: [] } : READER_DECLARATIONS[reader];
  return {
    id,
    name: task.name,
    reader,
    words: task.words ?? own.words,
    summary: task.summary ?? own.summary,
    fields: task.fields ?? own.fields,
    rules: task.rules ?? own.rules,
    examples: task.examples ?? own.examples,
  };
}

/**
 * Every kind the product answers: the declared ones, enabled or not, and each reader's own kind
 * the config leaves out, by its id (its words answer that the task is off, not that nothing
 * was understood).
 */
export function listKinds(config: Pick<Config, "tasks">): ReportKind[] {
  const declared = Object.entries(config.tasks).flatMap(([id, task]) => (task ? [resolveKind(id, task)] : []));
  const left = (Object.keys(READER_DECLARATIONS) as ReaderName[]).filter((id) => !(id in config.tasks));
  return [...declared, ...left.map((id) => ({ id, name: id, reader: id, ...READER_DECLARATIONS[id] }))];
}
