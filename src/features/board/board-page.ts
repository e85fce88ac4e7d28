import { createHash } from "node:crypto";
import { html, Html, type HtmlPart } from "./html.js";
import { boardText } from "./board-text.js";

/**
 * The page's only style sheet, inline: no web font (the phone's own CJK fonts), no image, no
 * CDN. Phone first; wider screens get more columns.
 */
const CSS = `
:root{--ink:#1f2937;--muted:#6b7280;--line:#e5e7eb;--bg:#eef1f5;--brand:#0b4f9c;
--ok:#166534;--ok-bg:#dcfce7;--ok-bar:#22c55e;--late:#92400e;--late-bg:#fef3c7;--late-bar:#f59e0b;
--behalf:#1e40af;--behalf-bg:#dbeafe;--abn-bg:#dc2626;--miss:#b91c1c;--miss-bar:#f87171;
--exempt:#4b5563;--exempt-bg:#e5e7eb;--exempt-bar:#cbd5e1}
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%;text-size-adjust:100%}
body{margin:0;background:var(--bg);color:var(--ink);font:15px/1.55 -apple-system,BlinkMacSystemFont,"PingFang SC","Hiragino Sans GB","Microsoft YaHei","Noto Sans CJK SC","Source Han Sans SC","WenQuanYi Micro Hei",sans-serif}
.top{background:var(--brand);color:#fff}
.notices{position:sticky;top:0;z-index:1}
.top .in,.notices,.wrap,.foot{max-width:1200px;margin:0 auto;padding-left:14px;padding-right:14px}
.top .in{padding-top:14px;padding-bottom:12px}
.top h1{margin:0;font-size:21px;letter-spacing:.04em}
.top p{margin:2px 0 0;font-size:13px;opacity:.9}
.wrap{padding-top:10px}
.notice{margin:12px 0 0;padding:10px 12px;border-radius:10px;font-weight:600}
.updated{margin:0 0 10px}
.notice.error{background:#fee2e2;color:#991b1b}
.notice.warn{background:#fef3c7;color:#92400e}
.card{background:#fff;border-radius:12px;box-shadow:0 1px 3px rgba(16,24,40,.1);padding:14px;margin:0 0 12px}
h2{font-size:17px;margin:0 0 8px;line-height:1.35}
h3{font-size:16px;margin:0;line-height:1.35}
.muted{color:var(--muted);font-weight:400;font-size:13px}
.grid{display:grid;gap:12px;grid-template-columns:repeat(auto-fit,minmax(290px,1fr));margin:0 0 12px}
.grid>.card{margin:0}
.big{display:flex;align-items:baseline;gap:6px;flex-wrap:wrap;margin-top:4px}
.big .n{font-size:36px;font-weight:700;line-height:1.1}
.big .rate{margin-left:auto;font-size:24px;font-weight:700;color:var(--brand)}
.bar{display:block;width:100%;height:10px;border-radius:5px;overflow:hidden;background:var(--line)}
.card .bar{margin:10px 0}
.f-on_time{fill:var(--ok-bar)}.f-late{fill:var(--late-bar)}.f-missing{fill:var(--miss-bar)}.f-pending{fill:#fecaca}.f-exempt{fill:var(--exempt-bar)}
.off{margin:-2px 0 12px}
.h-abnormal{color:#b91c1c}.h-resolved{color:var(--ok)}
.h-abnormal:before,.h-resolved:before{content:"";display:inline-block;width:10px;height:10px;border-radius:50%;background:currentColor;margin-right:8px;vertical-align:2px}
.missing-list{color:var(--miss)}
.chips{list-style:none;margin:0;padding:0;display:flex;flex-wrap:wrap;gap:6px}
.chip{display:inline-block;padding:1px 9px;border-radius:999px;font-size:13px;font-weight:600;white-space:nowrap;border:1px solid transparent;line-height:1.6}
.s-on_time{color:var(--ok);background:var(--ok-bg)}
.s-late{color:var(--late);background:var(--late-bg)}
.s-on_behalf{color:var(--behalf);background:var(--behalf-bg)}
.s-abnormal{color:#fff;background:var(--abn-bg)}
.s-missing{color:var(--miss);background:#fff;border-color:var(--miss)}
.s-exempt,.s-not_required,.s-not_live{color:var(--exempt);background:var(--exempt-bg)}
.chip b{font-size:14px}
.note{margin:8px 0 0;font-size:13px;color:var(--muted)}
.duo{display:grid;gap:12px;grid-template-columns:minmax(0,1fr);margin:0 0 12px}
.duo>.card{margin:0}
@media (min-width:900px){.duo{grid-template-columns:minmax(0,3fr) minmax(0,2fr)}}
.incident{border-left:4px solid var(--abn-bg);padding:2px 0 2px 10px;margin:12px 0 0}
.incident.resolved{border-left-color:var(--ok-bar)}
.incident .head{display:flex;flex-wrap:wrap;align-items:center;gap:4px 8px}
.incident .who{margin:2px 0 0;font-size:13px;color:var(--muted)}
.desc{margin:6px 0 0;padding:8px 10px;background:#fef2f2;border-radius:8px;white-space:pre-wrap;word-break:break-word;font-size:15px}
.resolved .desc{background:#f0fdf4}
.history{margin:8px 0 0;padding:0;list-style:none;font-size:13px}
.history li{padding:3px 0 3px 12px;border-left:2px solid var(--line);word-break:break-word}
.history time{color:var(--muted);margin-right:6px}
.history .by{color:var(--muted)}
.history .label{color:var(--muted);font-size:12px;margin-top:8px}
h2.gap{margin-top:18px}
.ok-line{color:var(--ok);font-weight:600;margin:4px 0 0}
.days{list-style:none;margin:0;padding:0}
.day{display:grid;grid-template-columns:4.2em minmax(0,1fr) auto;align-items:center;gap:4px 10px;padding:7px 0;border-top:1px solid var(--line)}
.day:first-child{border-top:0}
.day .d{font-weight:600;line-height:1.2}
.day .d small{display:block;color:var(--muted);font-weight:400;font-size:12px}
.day.today .d{color:var(--brand)}
.day.quiet{padding:4px 0}
.day.quiet .d small{display:none}
.day .v{font-size:13px;text-align:right;white-space:nowrap}
.day .v b{font-size:15px}
.day .x{grid-column:2/4;display:flex;gap:6px;flex-wrap:wrap}
.day .x:empty{display:none}
.sec{display:flex;align-items:center;gap:8px;flex-wrap:wrap;margin:4px 0 10px}
.sec h2{margin:0;flex:1}
.filter{font:inherit;font-size:14px;padding:6px 12px;border-radius:999px;border:1px solid var(--brand);background:#fff;color:var(--brand);cursor:pointer}
.only-issues .filter{background:var(--brand);color:#fff}
.filter .on,.only-issues .filter .off{display:none}
.only-issues .filter .on{display:inline}
.areas{display:grid;gap:12px;grid-template-columns:repeat(auto-fill,minmax(270px,1fr));margin:0 0 12px}
.areas>.card{margin:0;padding-bottom:6px}
.area-head{display:flex;flex-wrap:wrap;align-items:center;gap:4px 8px;margin-bottom:4px}
.area-head h3{margin-right:auto}
.schools{list-style:none;margin:0;padding:0}
.school{display:flex;align-items:center;gap:6px;padding:7px 0;border-top:1px solid var(--line);min-height:40px}
.school .name{flex:1;min-width:0;overflow-wrap:anywhere}
.school .name small{display:block;color:var(--muted);font-size:12px}
.school .t{color:var(--muted);font-size:12px;min-width:2.8em;text-align:right}
.only-issues .school.ok,.only-issues .area.clean{display:none}
.clean-all{display:none;color:var(--ok);font-weight:600}
.only-issues .clean-all{display:block}
details.more>summary{cursor:pointer;list-style:none;margin:4px 0 12px}
details.more>summary::-webkit-details-marker{display:none}
details.more>summary h2{display:inline}
details.more>summary:after{content:"▸";color:var(--brand);margin-left:8px}
details.more[open]>summary:after{content:"▾"}
.foot{padding-top:4px;padding-bottom:24px;font-size:12px;color:var(--muted)}
.refusal{max-width:560px;margin:12vh auto 0;padding:0 16px}
.refusal .card{padding:20px;font-size:16px}
.refusal p{margin:0}
`;

/** How often an open page fetches itself again (its script; without script, a meta refresh). */
export const PAGE_REFRESH_SECONDS = 60;

/**
 * The page's only script: every minute (and when the phone brings the page back) it fetches the
 * same signed URL and swaps the board in place, keeping the scroll, the filter and open sections.
 * A refusal (the link expired) stops it and says why; a busy service (503) or a network failure
 * says so and leaves the last data up, and the next refresh brings the board back.
 */
const SCRIPT = `
(function () {
  var notice = document.getElementById("notice");
  var stopped = false, busy = false;
  function say(text, kind) { notice.textContent = text; notice.className = "notice " + kind; notice.hidden = !text; }
  function refresh() {
    if (stopped || busy) return;
    busy = true;
    fetch(location.href, { cache: "no-store", credentials: "omit" })
      .then(function (res) {
        return res.text().then(function (text) {
          var doc = new DOMParser().parseFromString(text, "text/html");
          var refusal = doc.getElementById("refusal");
          if (res.status === 403 && refusal) { stopped = true; say(refusal.textContent, "error"); return; }
          if (res.status === 503) { say(notice.getAttribute("data-busy"), "warn"); return; }
          var next = doc.getElementById("board");
          if (!res.ok || !next) throw new Error("HTTP " + res.status);
          var open = {};
          document.querySelectorAll("details[id]").forEach(function (d) { open[d.id] = d.open; });
          document.getElementById("board").replaceWith(document.adoptNode(next));
          document.querySelectorAll("details[id]").forEach(function (d) { if (d.id in open) d.open = open[d.id]; });
          document.title = doc.title;
          say("", "");
        });
      })
      .catch(function () { say(notice.getAttribute("data-offline"), "warn"); })
      .then(function () { busy = false; });
  }
  setInterval(refresh, ${PAGE_REFRESH_SECONDS * 1000});
  document.addEventListener("visibilitychange", function () { if (document.visibilityState === "visible") refresh(); });
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-filter]");
    if (!button) return;
    var on = document.body.classList.toggle("only-issues");
    document.querySelectorAll("[data-filter]").forEach(function (b) { b.setAttribute("aria-pressed", String(on)); });
  });
})();
`;

const hashOf = (text: string) => `'sha256-${createHash("sha256").update(text).digest("base64")}'`;

/**
 * The pages' Content-Security-Policy: their own inline style and script (by hash), fetches to
 * the service itself and nothing else; no frames, forms, plugins or base URL.
 */
const BOARD_CSP = [
  "default-src 'none'",
  `style-src ${hashOf(CSS)}`,
  `script-src ${hashOf(SCRIPT)}`,
  "connect-src 'self'",
  "img-src data:",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join("; ");

/** The headers of every page of the board, its answers to refused links and to failures alike. */
export const PAGE_HEADERS: Readonly<Record<string, string>> = {
  "Content-Security-Policy": BOARD_CSP,
  "Cache-Control": "no-store",
  // The query carries the signature: keep it out of Referer headers.
  "Referrer-Policy": "no-referrer",
  "X-Content-Type-Options": "nosniff",
};

/**
 * A whole page of the board: the head, a header band, `body`, and the script when `live`; a page
 * with `reloadSeconds` loads itself again after that long, script or not.
 */
export function renderPage(args: { title: string; heading: string; subheading?: string; body: HtmlPart; live: boolean; reloadSeconds?: number }): string {
  const page = html`<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<meta name="robots" content="noindex, nofollow">
<meta name="format-detection" content="telephone=no">
<title>${args.title}</title>
<link rel="icon" href="data:,">
<style>${new Html(CSS)}</style>
${args.reloadSeconds !== undefined ? html`<meta http-equiv="refresh" content="${args.reloadSeconds}">` : args.live && html`<noscript><meta http-equiv="refresh" content="${PAGE_REFRESH_SECONDS}"></noscript>`}
</head>
<body>
<header class="top"><div class="in"><h1>${args.heading}</h1>${args.subheading && html`<p>${args.subheading}</p>`}</div></header>
${args.body}
${args.live && html`<script>${new Html(SCRIPT)}</script>`}
</body>
</html>
`;
  return page.text;
}

/** The page a refused link gets: what happened and what to do, readable on a phone. */
export function renderRefusal(message: string): string {
  return renderPage({
    title: boardText.refusedTitle,
    heading: boardText.title,
    body: html`<main class="refusal"><div class="card"><p id="refusal">${message}</p></div></main>`,
    live: false,
  });
}

/** The page a leader's link gets when its data could not be read: what happened and what to do; it reloads itself. */
export function renderUnavailable(reloadSeconds: number): string {
  return renderPage({
    title: boardText.unavailableTitle,
    heading: boardText.unavailableTitle,
    body: html`<main class="refusal"><div class="card"><p id="unavailable">${boardText.unavailable}</p></div></main>`,
    live: false,
    reloadSeconds,
  });
}
