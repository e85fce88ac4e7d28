import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";

/** The project's documentation: the README and every page under docs/. */
export interface Doc {
  /** Path from the repository root, e.g. `docs/zh/运维.md`. */
  path: string;
  text: string;
}

export function readDocs(root = "."): Doc[] {
  const pages = (dir: string): string[] =>
    readdirSync(join(root, dir), { withFileTypes: true }).flatMap((entry) =>
      entry.isDirectory() ? pages(join(dir, entry.name)) : entry.name.endsWith(".md") ? [join(dir, entry.name)] : [],
    );
  return ["README.md", "bench/RESULTS.md", ...pages("docs")].map((path) => ({ path: relative(".", path), text: readFileSync(join(root, path), "utf8") }));
}

/** The text of every fenced block and inline code span, in order: where commands, paths and keys are written. */
export function codeOf(text: string): string[] {
  const fences = [...text.matchAll(/^```[^\n]*\n([\s\S]*?)^```/gmu)].map((m) => m[1]!);
  const prose = text.replace(/^```[^\n]*\n[\s\S]*?^```/gmu, "");
  const spans = [...prose.matchAll(/`([^`\n]+)`/gu)].map((m) => m[1]!);
  return [...fences, ...spans];
}

/** Markdown links `[text](target)` outside code, with the line they are on. */
export function linksOf(text: string): { target: string; line: number }[] {
  const lines = text.replace(/^```[^\n]*\n[\s\S]*?^```/gmu, (block) => block.replace(/[^\n]/gu, "")).split("\n");
  return lines.flatMap((line, i) =>
    [...line.replace(/`[^`]*`/gu, "").matchAll(/\]\(([^)\s]+)\)/gu)].map((m) => ({ target: m[1]!, line: i + 1 })),
  );
}

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens, repeats numbered. */
export function anchorsOf(text: string): Set<string> {
  const seen = new Map<string, number>();
  const anchors = new Set<string>();
  const prose = text.replace(/^```[^\n]*\n[\s\S]*?^```/gmu, "");
  for (const m of prose.matchAll(/^#{1,6}\s+(.+?)\s*#*\s*$/gmu)) {
    const base = m[1]!
      .replace(/`/gu, "")
      .replace(/\[([^\]]*)\]\([^)]*\)/gu, "$1")
      .toLowerCase()
      .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, "")
      .replace(/ /gu, "-");
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    anchors.add(n === 0 ? base : `${base}-${n}`);
  }
  return anchors;
}

/** A table the docs mark for a test with an HTML comment on the line before it: `<!-- examples from zhang_wei -->`. */
export interface MarkedTable {
  /** What the comment says after its first word, e.g. `from zhang_wei`. */
  marker: string;
  /** The cells of each body row, trimmed. */
  rows: string[][];
  line: number;
}

export function markedTables(text: string, kind: string): MarkedTable[] {
  const lines = text.split("\n");
  const tables: MarkedTable[] = [];
  lines.forEach((line, i) => {
    const m = new RegExp(`^<!--\\s*${kind}\\b\\s*(.*?)\\s*-->$`, "u").exec(line.trim());
    if (!m) return;
    const body: string[][] = [];
    // The header and its |---| line, then the rows up to the first line that is not a row.
    for (let j = i + 3; j < lines.length && lines[j]!.trim().startsWith("|"); j += 1) {
      body.push(lines[j]!.trim().replace(/^\||\|$/gu, "").split("|").map((cell) => cell.trim()));
    }
    tables.push({ marker: m[1]!, rows: body, line: i + 1 });
  });
  return tables;
}

/** The inline code spans of a table cell: `平安` · `今日平安` → ["平安", "今日平安"]. */
export const codeSpans = (cell: string): string[] => [...cell.matchAll(/`([^`]+)`/gu)].map((m) => m[1]!);
