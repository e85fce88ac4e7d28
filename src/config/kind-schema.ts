import { z } from "zod";

/**
 * What a report kind declares beside its schedule (see schema.ts `task`): the words that start
 * it, what it records (its fields, keyed by the names they are stored under), the rules that
 * alert the leaders, the reader that reads it and the examples help shows. Field ids are the
 * keys of the value kept in Redis, so a declaration that renames one loses what was stored.
 */

/** A field's or rule's id: the key its value is stored under. */
export const fieldId = z.string().regex(/^[a-z][a-z0-9_]*$/, { message: "字段名写小写英文字母、数字或下划线，以字母开头，例如 reached" });

/** A named count's name is part of the key its sum is kept under (f.<field>.<name>:<area>). */
const countName = z
  .string()
  .min(1)
  .regex(/^[^:\t\s]+$/u, { message: "症状等名称不能含冒号、制表符或空格，例如 发热" });

/** The kinds of answer a field takes. */
export const FIELD_TYPES = ["status", "count", "counts", "yesno", "choice", "text", "date"] as const;
export type FieldType = (typeof FIELD_TYPES)[number];

/** The roster's columns a count may take its total from. */
export const ROSTER_COUNTS = ["pupils", "staff"] as const;

/**
 * One field. The options beside `type` belong to some types only (cross-check-config refuses
 * the others): `total`, `roster` and `max` to a count, `names` to named counts, `options` and
 * `multiple` to a choice, `max_chars` to a text, `past` to a date.
 */
const field = z.strictObject({
  type: z.enum(FIELD_TYPES),
  /** How replies, tallies and the ledger name it, e.g. 已提醒. */
  label: z.string().min(1),
  /** A report without it is refused. */
  required: z.boolean().default(false),
  /** count: the field that holds its whole (reached of total). */
  total: fieldId.optional(),
  /** count: the roster column that is its whole when the message gives none. */
  roster: z.enum(ROSTER_COUNTS).optional(),
  /** count: the largest figure taken. */
  max: z.number().int().positive().optional(),
  /** counts: the names counted, e.g. 发热 咳嗽. */
  names: z.array(countName).min(1).optional(),
  /** choice: what may be chosen. */
  options: z.array(z.string().min(1)).min(1).optional(),
  /** choice: several may be chosen (方式：电话 短信). */
  multiple: z.boolean().optional(),
  /** text: the longest taken, in characters. */
  max_chars: z.number().int().min(1).max(2000).optional(),
  /** date: only today or a day before it is taken (the day a meeting was held). */
  past: z.boolean().optional(),
});

/**
 * A rule that alerts the leaders when a report meets it: a field equal to a value (status
 * `abnormal`, a yes/no `false`), or a count at least a figure (for named counts: any of them).
 */
const rule = z.strictObject({
  field: fieldId,
  equals: z.union([z.string().min(1), z.boolean()]).optional(),
  at_least: z.number().int().positive().optional(),
  /** What the alert calls it, e.g. 例会未召开; the field's label when unset. */
  alert: z.string().min(1).optional(),
});

/** The readers that read a kind's messages with a grammar of their own (see features/check-in/readers). */
export const READER_NAMES = ["safety", "drowning", "study"] as const;
export type ReaderName = (typeof READER_NAMES)[number];

/** The declaration keys of a kind; each is optional, the named reader's own declaration fills what is left out. */
export const kindDeclaration = {
  /** The words that start a report of this kind (traditional forms are matched too). */
  words: z.array(z.string().min(1)).min(1).optional(),
  /** The reader that reads its messages. */
  reader: z.enum(READER_NAMES).optional(),
  /** One line for 帮助. */
  summary: z.string().min(1).optional(),
  fields: z.record(fieldId, field).optional(),
  rules: z.array(rule).optional(),
  /** Messages that report it, shown by 帮助 and checked to record what they say. */
  examples: z.array(z.string().min(1)).min(1).optional(),
};

export type FieldDeclaration = z.output<typeof field>;
export type RuleDeclaration = z.output<typeof rule>;
