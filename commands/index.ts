import type { CommandSpec } from "../src/bot/command.js";
import { firstWordsOf, listKinds, otherKindWords } from "../src/config/kinds.js";
import type { Config } from "../src/config/schema.js";
import abnormal from "./report-abnormal.js";
import { reportCommand } from "./report.js";
import { reporterRoleOf } from "../src/config/scope.js";
import status from "./status.js";
import withdraw from "./withdraw.js";
import summary from "./summary.js";
import missing from "./missing.js";
import remind from "./remind.js";
import reportFor from "./report-for.js";
import exempt from "./exempt.js";
import history from "./history.js";
import exportLedger from "./export.js";
import board from "./board.js";
import help from "./help.js";
import followUp from "./follow-up.js";
import finalReport from "./final-report.js";
import acknowledge from "./acknowledge.js";
import closeIncident from "./close-incident.js";

/**
 * Every chat command, in the order help lists them: a reporting command per kind (异常 after
 * 平安), then the others. A declared kind that is off has no command, so its words stay everyday
 * words; 平安日报, 防溺水 and 周学习 always do (they answer that the task is off).
 */
export function createCommands(config: Pick<Config, "tasks">): readonly CommandSpec<any>[] {
  // Each kind resolved once: the enabled ones are those the config switches on.
  const all = listKinds(config);
  const enabled = all.filter((kind) => config.tasks[kind.id]?.enabled);
  const named = firstWordsOf(enabled);
  const kinds = all.filter((kind) => kind.reader !== "fields" || enabled.includes(kind));
  const reporting = kinds.flatMap((kind) => [reportCommand(kind, reporterRoleOf(config, kind.id), { others: otherKindWords(enabled, kind.id), kinds: named }), ...(kind.reader === "safety" ? [abnormal] : [])]);
  return [...reporting, withdraw, status, summary, missing, remind, reportFor, exempt, history, exportLedger, board, followUp, finalReport, acknowledge, closeIncident, help];
}
