import { actOnSlot } from "../../jobs/run-slots.js";
import { runLateNote } from "../../jobs/late-note.js";
import { runWeeklyRollup } from "../../jobs/weekly-rollup.js";
import type { JobOutcome } from "../../jobs/job-deps.js";
import { processPushJob } from "../../jobs/index.js";
import type { TaskId } from "../config/schema.js";
import type { System } from "../main/system.js";
import { findCjkFont } from "../features/tallies/find-cjk-font.js";
import type { Push } from "../message/push.js";
import type { Pusher } from "../bot/command.js";
import { splitMessage } from "../push/enqueue.js";
import { toInstant, toLocalDate } from "../time/local-time.js";
import { whyNotRequired } from "../time/task-calendar.js";
import { formatPeriod, type NotRequiredReason } from "../time/periods.js";
import { leaderText } from "../features/leaders/leader-text.js";

const JOBS = ["remind", "tally", "weekly", "late-note"] as const;

/** What `pingan run` tells the admin, in words, never a job key or a reason code. */
const runText = {
  remind: (taskName: string, period: string) => `${leaderText.reminderName(taskName)}（${period}）`,
  tally: (taskName: string, period: string) => `${taskName}统计（${period}）`,
  weekly: "每周汇总",
  lateNote: "补报通知",
  skipped: {
    quiet_hours: "现在不在推送时段内，没有发送",
    none_missing: "没有未报的学校，没有需要发送的消息",
    none_late: "没有需要补报的学校",
    cooldown: "刚提醒过，这次没有发送",
  } as Record<string, string>,
  notRequired: (reason: NotRequiredReason) => `${leaderText.notRequired(reason)}，没有发送`,
  sent: (messages: number, parts: number) => `已发送 ${messages} 条${parts > messages ? `（分 ${parts} 段）` : ""}`,
  notSent: (messages: number, unsent: number) =>
    `已排入发送队列 ${messages} 条，其中 ${unsent} 条没有发出去（企业微信拒收或暂时不可用：能重试的服务会继续重试；原因见 /healthz 的 push 部分）`,
  mentions: (names: readonly string[]) => `@${names.join(" @")}`,
};

/** What `pingan run` is asked to do, checked. */
export interface JobRequest {
  job: (typeof JOBS)[number];
  task?: TaskId;
  /** The day whose period it runs for (YYYY-MM-DD); today when unset. */
  date?: string;
}

/** `pingan run`'s arguments, checked before anything is opened: the request, or the line that says what is wrong (exit code 2). */
export function readJobRequest({ job, task, date }: { job: string; task?: string; date?: string }): JobRequest | { refused: string } {
  if (!(JOBS as readonly string[]).includes(job)) {
    return { refused: `不认识的任务 "${job}"，可用：${JOBS.join("、")}。例如：pingan run remind safety --dry-run` };
  }
  if ((job === "remind" || job === "tally") && !task?.trim()) {
    return { refused: `请写明任务（配置里 tasks 下的名字如 safety，或任务名称如 平安）。例如：pingan run ${job} safety --date 2026-11-24` };
  }
  if (date !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(date)) {
    return { refused: `日期写成 YYYY-MM-DD，例如 --date 2026-11-24（收到 "${date}"）` };
  }
  return { job: job as JobRequest["job"], ...(task !== undefined && { task: task as TaskId }), ...(date !== undefined && { date }) };
}

/**
 * `pingan run <job> [task] [--date] [--dry-run] [--force]`, on a system built for it (no web,
 * no workers): runs a job now, for the period of `date` (default today). With dryRun the
 * messages are printed, not sent; otherwise they are queued and delivered (by this process's
 * worker or the service's, once). A reminder obeys the reminder cooldown unless force.
 */
export async function runJobNow(
  rt: System,
  { job, task, date }: JobRequest,
  { dryRun = false, force = false, out }: { dryRun?: boolean; force?: boolean; out: (line: string) => void },
): Promise<number> {
  // The tally and the roll-up carry their chart here too, with the font installed (never installing it).
  await rt.jobDeps.chart?.useFont(findCjkFont());
  const zone = rt.config.timezone;
  const now = rt.clock.now();
  // A past date acts as of the end of that day; today acts as of now.
  const at = date && date !== toLocalDate(now, zone) ? toInstant(date, "23:59", zone) : now;
  const shown: Push[] = [];
  const show = (push: Push) => shown.push(push);
  // What the job queues, to say how many messages went out and in how many parts.
  const queued: Push[] = [];
  const push = rt.jobDeps.push;
  const recording: Pusher = {
    enqueue(p, options) {
      queued.push(p);
      return push.enqueue(p, options);
    },
  };
  const deps = { ...rt.jobDeps, push: recording };
  let label: string;
  let outcome: JobOutcome;
  if (job === "remind" || job === "tally") {
    const period = rt.calendar.at(task as TaskId, at);
    if (!period) {
      out(leaderText.taskOff(rt.calendar.taskName(task as TaskId)));
      return 1;
    }
    const slot = job === "remind" ? `cli-${now.getTime()}` : "cli";
    const kind = job === "remind" ? "reminder" : "tally";
    const name = `${job}:${period.task}:${period.id}`;
    label = runText[job](period.taskName, formatPeriod(period));
    const notRequired = whyNotRequired(period);
    if (notRequired) {
      out(`${label}：${runText.notRequired(notRequired)}`);
      return 0;
    }
    outcome = { job: name, ...(await actOnSlot(deps, { kind, period, slot, at }, { dryRun, show, force })) };
  } else if (job === "weekly") {
    label = runText.weekly;
    outcome = await runWeeklyRollup(deps, at, { dryRun, show });
  } else {
    label = runText.lateNote;
    outcome = await runLateNote(deps, at, { dryRun, show });
  }
  for (const push of shown) {
    const parts = splitMessage(push.message);
    out(`—— 发往 ${rt.config.groups[push.group]?.name ?? push.group}（${parts.length + (push.image ? 1 : 0)} 条消息）——`);
    for (const body of parts) {
      out(body.msgtype === "text" ? body.text.content : body.markdown.content);
      // The group sees each mention as the person's name.
      const mentioned = body.msgtype === "text" ? (body.text.mentioned_list ?? []) : [];
      if (mentioned.length > 0) out(runText.mentions(mentioned.map((u) => rt.roster.nameOf(u) ?? u)));
      out("");
    }
    if (push.image) out(`[图片：${push.image.title}，${Math.max(1, Math.round(push.image.png.length / 1024))} KB]\n`);
  }
  for (const note of outcome.notes ?? []) out(note);
  if (outcome.skipped === "cooldown") out(leaderText.remindForceHint);
  if (outcome.skipped) out(`${label}：${runText.skipped[outcome.skipped] ?? outcome.skipped}`);
  else if (!dryRun) {
    const worker = rt.pushQueue.startWorker(processPushJob);
    await waitUntilDelivered(rt.pushQueue.queue);
    await worker.close();
    // Say "sent" only of what WeCom took: a refused or still-retrying push is not.
    const done = await Promise.all(queued.map((p) => rt.pushQueue.isDone(p.idempotencyKey)));
    const unsent = done.filter((d) => !d).length;
    if (unsent > 0) {
      out(`${label}：${runText.notSent(queued.length, unsent)}`);
      return 1;
    }
    out(`${label}：${runText.sent(queued.length, queued.reduce((n, p) => n + splitMessage(p.message).length, 0))}`);
  }
  return 0;
}

async function waitUntilDelivered(queue: { getJobCounts(...s: string[]): Promise<Record<string, number>> }) {
  for (let i = 0; i < 600; i += 1) {
    const counts = await queue.getJobCounts("waiting", "delayed", "active", "prioritized");
    if (Object.values(counts).every((n) => n === 0)) return;
    await new Promise((done) => setTimeout(done, 100));
  }
}
