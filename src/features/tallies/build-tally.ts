import type { TaskId } from "../../config/schema.js";
import { leadersPushKey, tallyGroupsOf } from "../../config/scope.js";
import type { Push, PushMessage } from "../../message/push.js";
import { BYTE_LIMITS, utf8Bytes } from "../../push/enqueue.js";
import type { TaskPeriod } from "../../time/task-calendar.js";
import { leaderText } from "../leaders/leader-text.js";
import { fitDocParts } from "../leaders/fit-doc.js";
import { formatTaskBlock } from "../leaders/format-summary.js";
import type { LeaderDeps } from "../leaders/leader-deps.js";
import { loadTally, tallyOfCounted, type CountedPeriod } from "../../tally/load-tally.js";

/**
 * The idempotency key of a period's tally to a group (leadersPushKey): `tally:safety:2026-11-24`
 * in `named`, the group the config names (tallyGroupsOf's first), `tally:safety:2026-11-24:city-leaders` in another.
 */
export function formatTallyKey(task: TaskId, periodId: string, group: string, named: string): string {
  return leadersPushKey(`tally:${task}:${periodId}`, group, named);
}

/**
 * The tally of a task's period for one of its groups (tallyGroupsOf), of `deps.roster` (the
 * group's node): the same block as 汇总 shows for the task
 * (expected, reported with the rate, on time, late, 代报, missing, exempt, abnormal reports,
 * missing schools by area), as markdown fitted to one message (typed texts shortened first,
 * then lists collapsed to per-area counts), or to as few as its shortest form needs; nothing
 * is dropped. Undefined when the period is not required (nothing to tally). `loaded` is the
 * period as the caller already read it (the slot job reads the week for its chart, as
 * loadSummaryPeriods reads it).
 */
export async function buildTally(
  deps: LeaderDeps,
  request: { task: TaskId; period: TaskPeriod; group: string; now: Date; loaded?: CountedPeriod },
): Promise<Push | undefined> {
  const { task, period, group, now } = request;
  if (period.task !== task) throw new Error(`tally for ${task} given a period of ${period.task}`);
  if (!period.required) return undefined;
  const tally = request.loaded ? tallyOfCounted(deps.roster, [request.loaded], now) : await loadTally(deps, [period], now);
  const block = formatTaskBlock(tally, { config: deps.config, node: deps.roster.node, heading: false });
  const header = leaderText.tallyHeader(period.taskName, period, deps.config.timezone, tally.open);
  const budget = BYTE_LIMITS.markdown - utf8Bytes(header) - 1;
  const message: PushMessage = {
    msgtype: "markdown",
    header,
    lines: fitDocParts(block, budget).split("\n").map((text) => ({ text })),
  };
  return {
    idempotencyKey: formatTallyKey(task, period.id, group, tallyGroupsOf(deps.config, task)[0]!),
    group,
    message,
  };
}
