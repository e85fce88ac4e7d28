import { foldWord } from "../text/words.js";
import type { FieldDeclaration, FieldType } from "./kind-schema.js";
import { READER_DECLARATIONS, readerOf, resolveKind } from "./kinds.js";
import { kindText } from "./kind-messages.js";
import type { KeyPath } from "./problems.js";
import type { TaskConfig, TaskId } from "./schema.js";

type Add = (path: KeyPath, message: string, hint?: string) => void;

/** The options each field type takes beside type, label and required. */
const OPTIONS_OF: Record<FieldType, readonly (keyof FieldDeclaration)[]> = {
  status: [],
  count: ["total", "roster", "max"],
  counts: ["names", "max"],
  yesno: [],
  choice: ["options", "multiple"],
  text: ["max_chars"],
  date: ["past"],
};
const OPTIONAL_KEYS = ["total", "roster", "max", "names", "options", "multiple", "max_chars", "past"] as const;

/**
 * Checks the report kinds' declarations where the schema cannot: each field's options fit its
 * type, a count's total is a count of the kind, each rule names a field of the kind and a value
 * that field can take, the fields agree with what the kind's reader records (the keys kept in
 * Redis), and no word starts two kinds (after folding: 報平安 is 报平安).
 */
export function checkKinds(tasks: Partial<Record<TaskId, TaskConfig>>, add: Add): void {
  const claim = claimOnce<TaskId>();
  for (const [id, task] of Object.entries(tasks) as [TaskId, TaskConfig | undefined][]) {
    if (!task) continue;
    const path: KeyPath = ["tasks", id];
    if (task.fields) {
      for (const [fieldId, field] of Object.entries(task.fields)) checkField([...path, "fields", fieldId], field, task.fields, add);
      checkNamesOnce([...path, "fields"], task.fields, add);
      checkReaderContract(path, id, task, add);
    }
    const kind = resolveKind(id, task);
    // The generic reader knows a kind only by its declaration.
    if (kind.reader === "fields") {
      for (const key of ["words", "fields", "examples"] as const) if (task[key] === undefined) add([...path], kindText.genericNeeds(key));
    }
    (task.rules ?? []).forEach((rule, index) => {
      const at: KeyPath = [...path, "rules", index];
      const field = kind.fields[rule.field];
      if (!field) return add([...at, "field"], kindText.ruleUnknownField(rule.field), kindText.fieldsAre(Object.keys(kind.fields)));
      if ((rule.equals === undefined) === (rule.at_least === undefined)) return add(at, kindText.ruleNeedsOneTest, kindText.ruleHint);
      if (rule.at_least !== undefined && field.type !== "count" && field.type !== "counts") add([...at, "at_least"], kindText.atLeastNotCount(rule.field));
      if (rule.equals !== undefined && !canEqual(field, rule.equals)) add([...at, "equals"], kindText.ruleValueImpossible(rule.field, String(rule.equals)), equalsHint(field));
    });
    // A kind that declares no words has its reader's, which may clash with another kind's too.
    kind.words.forEach((word, index) => {
      const owner = claim(word, id);
      if (owner !== undefined) add(task.words ? [...path, "words", index] : path, kindText.wordTwice(word, owner));
    });
  }
}

function checkField(path: KeyPath, field: FieldDeclaration, fields: Readonly<Record<string, FieldDeclaration>>, add: Add): void {
  for (const key of OPTIONAL_KEYS) {
    if (field[key] !== undefined && !OPTIONS_OF[field.type].includes(key)) add([...path, key], kindText.optionNotForType(key, field.type));
  }
  if (field.type === "counts" && !field.names) add([...path, "names"], kindText.countsNeedNames, kindText.namesHint);
  if (field.type === "choice" && !field.options) add([...path, "options"], kindText.choiceNeedsOptions, kindText.optionsHint);
  if (field.type === "count" && field.total !== undefined) {
    const total = fields[field.total];
    if (total?.type !== "count") add([...path, "total"], kindText.totalNotACount(field.total), kindText.fieldsAre(Object.keys(fields)));
    if (field.roster !== undefined) add([...path, "roster"], kindText.totalAndRoster);
  }
}

/**
 * Each name a kind's fields go by names one thing: a field's label (what a message writes before
 * its figure, and a column of the ledger), a named count, a choice's option. A name written twice
 * (after folding: 發熱 is 发热) would record into whichever the reader finds first and leave the
 * other empty for good; and one status field, since every status word would fill each of them.
 */
function checkNamesOnce(path: KeyPath, fields: Readonly<Record<string, FieldDeclaration>>, add: Add): void {
  const claimName = claimOnce<string>();
  let status: string | undefined;
  const claim = (at: KeyPath, name: string, fieldId: string) => {
    const owner = claimName(name, fieldId);
    if (owner !== undefined) add(at, kindText.nameTwice(name, owner));
  };
  for (const [fieldId, field] of Object.entries(fields)) {
    const at: KeyPath = [...path, fieldId];
    if (field.type === "status") {
      if (status !== undefined) add([...at, "type"], kindText.statusTwice(status));
      status ??= fieldId;
    }
    claim([...at, "label"], field.label, fieldId);
    (field.names ?? []).forEach((name, index) => claim([...at, "names", index], name, fieldId));
    (field.options ?? []).forEach((option, index) => claim([...at, "options", index], option, fieldId));
  }
}

/**
 * Names claimed one by one, as folded (發熱 is 发热): a claim returns the owner that came first
 * when the name is taken, else records the claimant.
 */
function claimOnce<Owner>(): (name: string, claimant: Owner) => Owner | undefined {
  const owners = new Map<string, Owner>();
  return (name, claimant) => {
    const folded = foldWord(name);
    const owner = owners.get(folded);
    if (owner === undefined) owners.set(folded, claimant);
    return owner;
  };
}

/** A named reader records its own fields: a declaration that names others (or other types) would store what nothing reads. */
function checkReaderContract(path: KeyPath, id: TaskId, task: TaskConfig, add: Add): void {
  const reader = readerOf(id, task);
  if (reader === "fields") return;
  const own = READER_DECLARATIONS[reader].fields;
  const declared = task.fields ?? {};
  for (const [fieldId, field] of Object.entries(declared)) {
    const theirs = own[fieldId];
    if (!theirs) add([...path, "fields", fieldId], kindText.readerLacksField(reader, fieldId), kindText.fieldsAre(Object.keys(own)));
    else if (theirs.type !== field.type) add([...path, "fields", fieldId, "type"], kindText.readerFieldType(reader, fieldId, theirs.type));
  }
  const missing = Object.keys(own).filter((fieldId) => !(fieldId in declared));
  if (missing.length > 0) add([...path, "fields"], kindText.readerFieldsMissing(reader, missing));
}

function canEqual(field: FieldDeclaration, value: string | boolean): boolean {
  switch (field.type) {
    case "status":
      return value === "normal" || value === "abnormal";
    case "yesno":
      return typeof value === "boolean";
    case "choice":
      return typeof value === "string" && (field.options ?? []).includes(value);
    default:
      return false;
  }
}

function equalsHint(field: FieldDeclaration): string | undefined {
  if (field.type === "status") return kindText.statusValues;
  if (field.type === "yesno") return kindText.yesnoValues;
  if (field.type === "choice") return kindText.choiceValues(field.options ?? []);
  return undefined;
}
