import type { CommandSpec } from "../src/bot/command.js";
import abnormal from "./report-abnormal.js";
import drowning from "./report-drowning.js";
import safety from "./report-safety.js";
import study from "./report-study.js";
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

/** Every chat command, in the order help lists them. */
export const commands: readonly CommandSpec<any>[] = [
  safety,
  abnormal,
  drowning,
  study,
  withdraw,
  status,
  summary,
  missing,
  remind,
  reportFor,
  exempt,
  history,
  exportLedger,
  board,
  help,
];
