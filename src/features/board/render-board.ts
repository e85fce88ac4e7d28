import type { Config } from "../../config/schema.js";
import type { School } from "../../config/roster.js";
import { abnormalDescription, type ReportEvent } from "../../store/report.js";
import { formatClock, formatDate, formatRate } from "../../time/local-time.js";
import type { AbnormalEntry, ResolvedEntry, TaskTally } from "../../tally/task-tally.js";
import { areaKey, areaLabel } from "../../config/roster-tree.js";
import { renderPage } from "./board-page.js";
import { formatSums } from "../leaders/format-sums.js";
import { boardText } from "./board-text.js";
import { html, type Html } from "./html.js";
import { MISSING_NAMED, type Board, type BoardArea, type BoardDay, type BoardSchool, type BoardTask, type BoardView, type SchoolState, type WithHistory } from "./load-board.js";
import { shortNameOf } from "../../config/school.js";

export interface RenderBoardOptions {
  config: Pick<Config, "leaders" | "admins" | "timezone" | "tasks">;
  /** When the link stops working (shown at the foot). */
  expiresAt: Date;
  /** The open incidents (未结事件), a heading and a line each; none: no section. */
  openIncidents?: { heading: string; items: readonly string[] };
  /** The page's own link for another part of the board (same signature, another view). */
  hrefOf: (view: BoardView) => string;
}

/** The slices of a tally's bar, in the order drawn: of every school-period asked about. */
const SLICES = ["on_time", "late", "missing", "exempt"] as const;

const STATE_WORDS: Record<SchoolState, string> = {
  on_time: boardText.state.onTime,
  late: boardText.state.late,
  missing: boardText.state.missing,
  exempt: boardText.state.exempt,
  not_required: boardText.state.notRequired,
  not_live: boardText.state.notLive,
};

/**
 * The status board as one HTML page: each task's numbers today (as 汇总 gives them), the
 * abnormal reports in full with their week's history, the week's trend, and every school by
 * area; each state in its colour and its word. Pure: the board and the options in, HTML out.
 */
export function renderBoard(board: Board, options: RenderBoardOptions): string {
  const timeZone = options.config.timezone;
  const person = (userid: string, school: School) => boardText.person(userid, options.config, school);
  // A declared kind's count fields summed, on its card and each area's.
  const sumsOf: SumsOf = (tally) => (tally.reported > 0 ? formatSums(options.config, tally.task, tally.sums) : []);
  const daily = board.tasks.filter((t) => t.week);
  const required = board.tasks.filter((t) => !nothingDue(t.tally));
  const main = html`<main id="board" class="wrap">
<p class="muted updated">${boardText.updated(board.now, timeZone)}</p>
${board.tasks.length === 0 && html`<div class="card">${boardText.noTasks}</div>`}
<div class="grid">${required.map((task) => taskCard(task.tally, timeZone, sumsOf))}</div>
${board.tasks.filter((task) => nothingDue(task.tally)).map((task) => taskCard(task.tally, timeZone, sumsOf))}
<div class="duo">
${incidents(board, timeZone, person, board.tasks.some((t) => t.tally.task === "safety" && t.tally.expected > 0))}
${options.openIncidents && html`<section class="card" id="open-incidents"><h2 class="h-abnormal">${options.openIncidents.heading}</h2><ul>${options.openIncidents.items.map((item) => html`<li>${item}</li>`)}</ul></section>`}
${daily.map((task) => trend(task, board.today))}
</div>
${board.view.area !== undefined && areaNav(board, options.hrefOf)}
${required.map((task) => areaSection(task, timeZone, options.hrefOf, board.view.area !== undefined, sumsOf))}
</main>`;
  return renderPage({
    title: boardText.pageTitle(board.today),
    heading: boardText.title,
    subheading: formatDate(board.today),
    body: html`<div class="notices"><div id="notice" class="notice" hidden data-offline="${boardText.offline}" data-busy="${boardText.busy}"></div></div>
${main}
<footer class="foot">${boardText.validUntil(options.expiresAt, timeZone)}</footer>`,
    live: true,
  });
}

const nothingDue = (tally: TaskTally) => tally.expected === 0 && tally.exempt === 0;

/** A stacked bar of the tally's on-time, late, missing and exempt school-periods. */
function bar(tally: TaskTally): Html {
  const counts = { on_time: tally.onTime, late: tally.late, missing: tally.missing, exempt: tally.exempt };
  const total = tally.expected + tally.exempt;
  let x = 0;
  const rects = SLICES.map((slice) => {
    const width = total > 0 ? (counts[slice] / total) * 1000 : 0;
    // Before the deadline a missing school may still report on time: drawn paler.
    const fill = slice === "missing" && tally.open ? "pending" : slice;
    const rect = width > 0 && html`<rect class="f-${fill}" x="${x.toFixed(1)}" width="${width.toFixed(1)}" height="10"/>`;
    x += width;
    return rect;
  });
  return html`<svg class="bar" viewBox="0 0 1000 10" preserveAspectRatio="none" aria-hidden="true">${rects}</svg>`;
}

const chip = (state: string, word: string, count?: number, name?: string) =>
  html`<span class="chip s-${state}">${word}${count !== undefined && html` <b${name ? html` data-count="${name}"` : ""}>${count}</b>`}</span>`;

type SumsOf = (tally: TaskTally) => string[];

function taskCard(tally: TaskTally, timeZone: string, sumsOf: SumsOf): Html {
  const sums = sumsOf(tally);
  const period = tally.periods[0]!;
  if (nothingDue(tally)) {
    return html`<p class="off muted" data-task="${tally.task}">${boardText.notRequired(tally.taskName, tally.notRequiredReason)}</p>`;
  }
  const missing = tally.missingByArea.flatMap((group) => group.entries.map((e) => shortNameOf(e.school)));
  const s = boardText.state;
  return html`<section class="card task" data-task="${tally.task}">
<h2>${tally.taskName} <span class="muted">${boardText.deadline(period, timeZone, tally.open)}</span></h2>
<div class="big"><span class="n" data-count="reported">${tally.reported}</span><span>/ <b data-count="expected">${tally.expected}</b> ${boardText.reportedOf}</span><span class="rate">${formatRate(tally.reported, tally.expected)}</span></div>
${bar(tally)}
<div class="chips">
${chip("on_time", s.onTime, tally.onTime, "onTime")}
${chip("late", s.late, tally.late, "late")}
${chip("on_behalf", s.onBehalf, tally.onBehalf, "onBehalf")}
${tally.task === "safety" && chip("abnormal", s.abnormal, tally.abnormalTotal, "abnormal")}
${chip("missing", s.missing, tally.missing, "missing")}
${chip("exempt", s.exempt, tally.exempt, "exempt")}
</div>
${missing.length > 0 && (tally.missing <= MISSING_NAMED || !tally.open) && html`<p class="note missing-list">${boardText.missingList(missing.slice(0, MISSING_NAMED), tally.missing)}</p>`}
${tally.drowning && tally.reported > 0 && html`<p class="note">${boardText.drowning(tally.drowning.reached, tally.drowning.total)}</p>`}
${tally.study && tally.reported > 0 && html`<p class="note">${boardText.study(tally.study.attended, tally.study.expected)}</p>`}
${sums.length > 0 && html`<p class="note" data-sums>${boardText.sums(sums)}</p>`}
${tally.open && tally.missing > 0 && html`<p class="note">${boardText.open}</p>`}
</section>`;
}

function incidents(board: Board, timeZone: string, person: Person, safetyDue: boolean): Html | false {
  if (board.abnormal.length === 0 && board.resolved.length === 0) {
    return safetyDue && html`<section class="card"><h2>${boardText.abnormalHeading(0)}</h2><p class="ok-line">${boardText.noAbnormal}</p></section>`;
  }
  const s = boardText.state;
  const total = board.tasks.reduce((sum, task) => sum + task.tally.abnormalTotal, 0);
  return html`<section class="card" id="abnormal">
${board.abnormal.length > 0 && html`<h2 class="h-abnormal">${boardText.abnormalHeading(total)}</h2>`}
${total > board.abnormal.length && html`<p class="note">${boardText.firstShown(board.abnormal.length)}</p>`}
${board.abnormal.map(
  ({ entry: { school, report }, history }: WithHistory<AbnormalEntry>) => html`<article class="incident" data-school="${school.code}">
<div class="head">${chip("abnormal", s.abnormal)}<b>${school.name}</b><span class="muted">${areaLabel(board.node, areaKey(school))}</span>${report.late && chip("late", s.late)}</div>
<p class="who">${boardText.reportedBy(new Date(report.at), person(report.by, school), report.onBehalf === true, timeZone)}</p>
<p class="desc">${abnormalDescription(report)}</p>
${historyList(history, timeZone, (userid) => person(userid, school))}
</article>`,
)}
${board.resolved.length > 0 && html`<h2 class="h-resolved${board.abnormal.length > 0 ? " gap" : ""}">${boardText.resolvedHeading(board.resolved.length)}</h2>`}
${board.resolved.map(
  ({ entry: { school, abnormal, report }, history }: WithHistory<ResolvedEntry>) => html`<article class="incident resolved" data-school="${school.code}">
<div class="head">${chip("on_time", boardText.resolvedState)}<b>${school.name}</b><span class="muted">${areaLabel(board.node, areaKey(school))}</span></div>
<p class="desc">${boardText.resolved(new Date(abnormal.at), abnormalDescription(abnormal), new Date(report.at), timeZone)}</p>
${historyList(history, timeZone, (userid) => person(userid, school))}
</article>`,
)}
</section>`;
}

/** Whoever acted on a school's report, by name. */
type Person = (userid: string, school: School) => string;

function historyList(history: readonly ReportEvent[], timeZone: string, person: (userid: string) => string): Html | false {
  return (
    history.length > 0 &&
    html`<p class="history label">${boardText.historyHeading(history.length)}</p><ol class="history">${history.map((event) => {
      const { when, what, by } = boardText.historyEvent(event, person(event.by), timeZone);
      return html`<li><time>${when}</time>${what} <span class="by">· ${by}</span></li>`;
    })}</ol>`
  );
}

function trend(task: BoardTask, today: string): Html {
  return html`<section class="card trend" data-task="${task.tally.task}"><h2>${boardText.trendHeading(task.tally.taskName)}</h2><ol class="days">${task.week!.map((day) => dayRow(day, today))}</ol></section>`;
}

function dayRow({ period, tally }: BoardDay, today: string): Html {
  const isToday = period.start === today;
  const label = html`<span class="d">${isToday ? boardText.today : boardText.weekday(period.start)}<small>${boardText.monthDay(period.start)}</small></span>`;
  const cls = `day${isToday ? " today" : ""}`;
  if (!tally || nothingDue(tally)) {
    const word = !tally ? boardText.dayToCome : tally.notLive > 0 && tally.notRequired === 0 ? boardText.dayNotLive : boardText.dayNotRequired;
    return html`<li class="${cls} quiet" data-date="${period.start}">${label}<span class="muted">${word}</span><span></span></li>`;
  }
  return html`<li class="${cls}" data-date="${period.start}">${label}${bar(tally)}<span class="v"><b>${tally.reported}</b>/${tally.expected} · ${formatRate(tally.reported, tally.expected)}</span><span class="x">${tally.abnormalTotal > 0 && chip("abnormal", boardText.dayAbnormal(tally.abnormalTotal))}${tally.late > 0 && chip("late", `${boardText.state.late} ${tally.late}`)}${tally.missing > 0 && chip("missing", boardText.dayMissing(tally.missing))}</span></li>`;
}

/** On an area's page: back to the county, and the area's pages of schools. */
function areaNav(board: Board, hrefOf: RenderBoardOptions["hrefOf"]): Html {
  const { area, page, pages } = board.view;
  const label = area === undefined ? "" : areaLabel(board.node, area);
  const to = (p: number) => hrefOf({ ...(area !== undefined && { area }), page: p });
  return html`<nav class="card pager" data-area="${area ?? ""}"><a href="${hrefOf({ page: 0 })}">${boardText.backToCounty}</a>
<span class="muted">${boardText.pageOf(label, page + 1, pages)}</span>
${page > 0 && html`<a rel="prev" href="${to(page - 1)}">${boardText.previousPage}</a>`}${page + 1 < pages && html`<a rel="next" href="${to(page + 1)}">${boardText.nextPage}</a>`}</nav>`;
}

function areaSection(task: BoardTask, timeZone: string, hrefOf: RenderBoardOptions["hrefOf"], areaPage: boolean, sumsOf: SumsOf): Html {
  const { tally } = task;
  const body = html`<div class="areas">${task.areas.map((area) => areaCard(area, timeZone, hrefOf, sumsOf(area.tally)))}</div>`;
  const clean = task.areas.every((a) => a.schools.every((s) => !needsAttention(s)));
  const filter = html`<button type="button" class="filter" data-filter aria-pressed="false"><span class="off">${boardText.filterOn}</span><span class="on">${boardText.filterOff}</span></button>`;
  const heading = html`<h2>${boardText.areasHeading(tally.taskName)}</h2>`;
  const allClean = clean && html`<p class="card clean-all">${boardText.allClean}</p>`;
  // A daily task's schools are what a leader looks at (and what an area's page is for); a weekly task's are there when asked for.
  if (task.week || areaPage) return html`<section class="task-areas" data-task="${tally.task}"><div class="sec">${heading}${filter}</div>${allClean}${body}</section>`;
  return html`<details class="more task-areas" id="areas-${tally.task}" data-task="${tally.task}"><summary>${heading}</summary>${allClean}${body}</details>`;
}

const needsAttention = (s: BoardSchool) => s.abnormal || s.state === "missing" || s.state === "late";

function areaCard(area: BoardArea, timeZone: string, hrefOf: RenderBoardOptions["hrefOf"], sums: readonly string[]): Html {
  const { tally } = area;
  const clean = area.schools.every((s) => !needsAttention(s)) && (area.more === undefined || tally.missing + tally.late + tally.abnormalTotal === 0);
  return html`<section class="card area${clean ? " clean" : ""}" data-area="${area.area}">
<div class="area-head"><h3>${area.label}</h3><span class="muted">${boardText.areaCounts(tally.reported, tally.expected)}</span>${tally.abnormalTotal > 0 && chip("abnormal", boardText.dayAbnormal(tally.abnormalTotal))}${tally.missing > 0 && chip("missing", boardText.dayMissing(tally.missing))}</div>
${sums.length > 0 && html`<p class="note" data-sums>${boardText.sums(sums)}</p>`}
<ul class="schools">${area.schools.map((s) => schoolRow(s, timeZone))}</ul>
${area.more !== undefined && html`<p class="note"><a class="all" href="${hrefOf({ area: area.area, page: 0 })}">${boardText.allSchoolsOf(area.more)}</a></p>`}
</section>`;
}

function schoolRow(s: BoardSchool, timeZone: string): Html {
  const note = s.state === "exempt" && s.reason;
  return html`<li class="school ${needsAttention(s) ? "attn" : "ok"}" data-code="${s.school.code}" data-state="${s.state}"${s.abnormal ? html` data-abnormal` : ""}${s.onBehalf ? html` data-on-behalf` : ""}>
<span class="name">${shortNameOf(s.school)}${note && html`<small>${note}</small>`}</span>
${s.abnormal && chip("abnormal", boardText.state.abnormal)}${s.onBehalf && chip("on_behalf", boardText.state.onBehalf)}${chip(s.state, STATE_WORDS[s.state])}
<span class="t">${s.report && s.state !== "exempt" ? formatClock(new Date(s.report.at), timeZone) : ""}</span>
</li>`;
}
