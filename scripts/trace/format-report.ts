import type { Rooms } from "./find-rooms.js";
import type { PathName } from "./run-path.js";
import type { RoundTrip, ServerCommand } from "./redis-trips.js";
import type { Walk } from "./recorder.js";

/** Everything one traced run gives the report. */
export interface TraceResult {
  path: PathName;
  outcome: string;
  closedBy: string;
  walks: readonly Walk[];
  rooms: Rooms;
  trips: readonly RoundTrip[];
  server: readonly ServerCommand[];
}

/** The report's lines; the last one is `trace: path=… files=… …`, for machines. */
export function formatReport(result: TraceResult): string[] {
  const { rooms, trips } = result;
  const out: string[] = [];
  out.push(`trace ${result.path}: ${result.outcome}`);
  out.push(`window: opened by the first walk, closed at ${result.closedBy}; ${result.walks.length} walk(s): ${summarize(result.walks.map((w) => w.label))}`);

  out.push("", "Project files executed in the window, in the order first entered (entered: calls from another file, or a walk starting there):");
  const width = Math.max(...rooms.files.map((f) => f.file.length), 4);
  const folderWidth = Math.max(...rooms.files.map((f) => f.folder.length), 6);
  out.push(`  ${"#".padStart(3)}  ${"file".padEnd(width)}  ${"folder".padEnd(folderWidth)}  entered`);
  rooms.files.forEach((f, i) => {
    const resumed = f.resumed > 0 ? `  (+${f.resumed} resumed from outside)` : "";
    out.push(`  ${String(i + 1).padStart(3)}  ${f.file.padEnd(width)}  ${f.folder.padEnd(folderWidth)}  ${String(f.entered).padStart(7)}${resumed}`);
  });
  out.push(`files=${rooms.files.length} folders=${rooms.folders.length}`);
  out.push(`folders in order: ${rooms.folders.join(" → ")}`);
  if (rooms.excludedRan.length > 0) out.push(`warning: excluded files ran inside the traced walks: ${rooms.excludedRan.join(", ")}`);

  out.push("", "Rooms entered twice (entered from two or more places, or again while still on the stack; * = while still on the stack):");
  for (const [kind, list] of [["folder", rooms.reenteredFolders], ["file", rooms.reenteredFiles]] as const) {
    if (list.length === 0) out.push(`  no ${kind}`);
    for (const room of list) {
      out.push(`  ${kind} ${room.room} ← ${room.from.map((d) => `${d.source}${d.nested ? "*" : ""} ×${d.times}`).join(", ")}`);
    }
  }
  out.push(`reentered_folders=${rooms.reenteredFolders.length} reentered_files=${rooms.reenteredFiles.length}`);

  const inSequence = countInSequence(trips);
  out.push("", "Redis round trips made for the traced walks (client side: each command alone, or one write of several (a pipeline, a MULTI, a corked write), is one round trip):");
  trips.forEach((trip, i) => {
    const commands = trip.commands.map((c) => `${c.name} (${c.detail})`).join("; ");
    const took = trip.answeredAt === undefined ? "no answer in the window" : `${(trip.answeredAt - trip.sentAt).toFixed(1)} ms`;
    out.push(`  ${i + 1}. ${trip.connection}, walk ${trip.walk}: ${trip.commands.length > 1 ? `one write of ${trip.commands.length}: ` : ""}${commands}  [${took}]`);
  });
  out.push(...describeServerSide(trips, result.server));
  out.push(`redis_round_trips=${trips.length} redis_in_sequence=${inSequence}`);
  out.push(
    "",
    `trace: path=${result.path} files=${rooms.files.length} folders=${rooms.folders.length} reentered_folders=${rooms.reenteredFolders.length} ` +
      `reentered_files=${rooms.reenteredFiles.length} redis_round_trips=${trips.length} redis_in_sequence=${inSequence}`,
  );
  return out;
}

/**
 * The longest chain of round trips each sent after the one before it was answered: how many
 * times the path waited for Redis one after another (trips sent together count once).
 */
export function countInSequence(trips: readonly RoundTrip[]): number {
  const depth: number[] = [];
  trips.forEach((trip, i) => {
    let before = 0;
    for (let j = 0; j < i; j += 1) {
      const earlier = trips[j]!;
      if (earlier.answeredAt !== undefined && earlier.answeredAt <= trip.sentAt) before = Math.max(before, depth[j]!);
    }
    depth.push(before + 1);
  });
  return Math.max(0, ...depth);
}

/**
 * The server's account of the same window: each command the client side counted is looked for
 * among those the server executed from the same connection; the commands a script ran are the
 * `lua` lines MONITOR shows right after it (Redis 7 feeds a script's own commands to MONITOR
 * after the script's line). Other commands on the same connections (BullMQ's bookkeeping on the
 * workers' connection) are counted apart.
 */
export function describeServerSide(trips: readonly RoundTrip[], server: readonly ServerCommand[]): string[] {
  const sent = trips.flatMap((trip) => trip.commands);
  const used = new Set(sent.map((c) => `127.0.0.1:${c.port}`));
  const matched = new Set<number>();
  const missing: string[] = [];
  for (const command of sent) {
    // Two scripts sent on one connection in the window are told apart by their SHA; a binary
    // first argument, which MONITOR shows escaped, falls back to the name alone.
    const free = (s: ServerCommand, i: number) => !matched.has(i) && s.source === `127.0.0.1:${command.port}` && s.name === command.name;
    const exact = server.findIndex((s, i) => free(s, i) && s.head === command.head);
    const at = exact >= 0 ? exact : server.findIndex(free);
    if (at < 0) missing.push(`${command.connection} ${command.name}`);
    else matched.add(at);
  }
  let inScripts = 0;
  let last = -1;
  const others: string[] = [];
  server.forEach((command, i) => {
    if (command.source !== "lua") last = i;
    else if (matched.has(last)) inScripts += 1;
    if (command.source !== "lua" && !matched.has(i) && used.has(command.source)) others.push(command.name);
  });
  return [
    `  server side (MONITOR, between markers sent before and after the window): ${matched.size} of these commands executed, ` +
      `running ${inScripts} more inside their scripts; ${others.length} other command(s) on the same connections meanwhile` +
      (others.length > 0 ? ` (${summarize(others)}), not made for the path` : ""),
    ...(missing.length > 0 ? [`  warning: not seen by the server: ${missing.join(", ")}`] : []),
  ];
}

/** `a ×2, b` for a list with repeats, in first-seen order. */
function summarize(items: readonly string[]): string {
  const counts = new Map<string, number>();
  for (const item of items) counts.set(item, (counts.get(item) ?? 0) + 1);
  return [...counts].map(([item, n]) => (n > 1 ? `${item} ×${n}` : item)).join(", ");
}
