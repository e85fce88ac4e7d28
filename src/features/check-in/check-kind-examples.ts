import { listKinds, type ReportKind } from "../../config/kinds.js";
import { foldWord } from "../../text/words.js";
import { text } from "../../config/messages.js";
import type { LoadedConfig } from "../../config/load-config.js";
import type { School } from "../../config/roster.js";
import { formatKeyPath } from "../../config/format-key-path.js";
import { hasCode, ErrorCode, type ConfigProblem } from "../../errors.js";
import type { LocalDate } from "../../time/local-time.js";
import { fitExampleDates } from "./fit-example.js";
import { readFields } from "./read-fields.js";

/**
 * The config problems of the kinds declared by their fields whose examples do not record what
 * they say (see checkKindExamples), each at its line: check-config lists them, start refuses
 * them. Read for the roster's first school with its roster figures lifted: an example shows
 * every principal the form, its figures are nobody's, and a county of small schools must not
 * find the example config refused.
 */
export function findRefusedExamples(loaded: Pick<LoadedConfig, "config" | "roster" | "path" | "keyLine">, today: LocalDate): ConfigProblem[] {
  const first = loaded.roster.schools[0];
  if (!first) return [];
  const school = { ...first, pupils: Number.MAX_SAFE_INTEGER, staff: Number.MAX_SAFE_INTEGER };
  return listKinds(loaded.config)
    .filter((kind) => kind.reader === "fields")
    .flatMap((kind) =>
      checkKindExamples(kind, school, today).map((found) => {
        const path = ["tasks", kind.id, "examples", found.index];
        const line = loaded.keyLine(path);
        return { file: loaded.path, ...(line !== undefined && { line }), key: formatKeyPath(path), message: found.unrecorded ? text.exampleUnrecorded(found.example, found.unrecorded) : text.exampleRefused(found.example, found.problem) };
      }),
    );
}

/**
 * The examples of a kind read by its fields that do not record what they say: one that starts
 * with none of the kind's words, that the generic reader refuses (its refusal says why: a
 * figure it cannot place, as a count whose label is misspelt: 晨检 体温3), or whose words it
 * partly leaves unrecorded (例会 已召开 原因:…, where no field is 原因). Read
 * for `school` (its roster figures fill the totals) on `today`.
 */
export function checkKindExamples(kind: ReportKind, school: School, today: LocalDate): { index: number; example: string; problem?: string; unrecorded?: string }[] {
  const words = [...kind.words].map(foldWord).sort((a, b) => b.length - a.length);
  return kind.examples.flatMap((example, index) => {
    // As shown on `today` (a date a field takes only once come is shown as today's): a config holds every day alike.
    const folded = foldWord(fitExampleDates(kind, example.trim(), today));
    const word = words.find((w) => folded.startsWith(w));
    if (word === undefined) return [{ index, example }];
    const rest = folded.slice(word.length);
    try {
      const { unrecorded } = readFields({ words: rest, typed: (start, end) => rest.slice(start, end), kind, school, today });
      // An example with words no field takes would teach every principal to write what is not kept.
      return unrecorded !== undefined ? [{ index, example, unrecorded }] : [];
    } catch (error) {
      if (!hasCode(error, ErrorCode.Usage)) throw error;
      return [{ index, example, problem: error.message }];
    }
  });
}
