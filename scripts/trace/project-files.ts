import { existsSync, readFileSync } from "node:fs";
import { dirname, relative, resolve, sep } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

/** The repository (this file is scripts/trace/project-files.ts). */
export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

/** The compiled project, as production runs it. */
export const DIST = resolve(ROOT, "dist");

const DIST_URL = `${pathToFileURL(DIST).href}/`;

/** The folders of the project whose files the trace counts. */
const PROJECT_FOLDERS = ["src/", "commands/", "jobs/"];

/** Project files the service never runs in production: WeCom's side, the demo. */
const EXCLUDED_FOLDERS = ["src/wecom/simulator/", "src/dev/"];

const sources = new Map<string, string | undefined>();

/**
 * The TypeScript file (`src/wecom/callback-receiver.ts`) a compiled module (a `file:` URL or
 * path under dist/) was compiled from, read from its source map; undefined for anything else.
 */
export function sourceOfCompiled(urlOrPath: string | null | undefined): string | undefined {
  if (!urlOrPath) return undefined;
  if (sources.has(urlOrPath)) return sources.get(urlOrPath);
  let found: string | undefined;
  const path = urlOrPath.startsWith("file:") ? (urlOrPath.startsWith(DIST_URL) ? fileURLToPath(urlOrPath) : undefined) : urlOrPath;
  if (path?.startsWith(DIST + sep) && path.endsWith(".js")) {
    const map = `${path}.map`;
    const named = existsSync(map) ? (JSON.parse(readFileSync(map, "utf8")) as { sources?: string[] }).sources?.[0] : undefined;
    const ts = named ? resolve(dirname(path), named) : resolve(ROOT, relative(DIST, path).replace(/\.js$/, ".ts"));
    const file = relative(ROOT, ts).split(sep).join("/");
    if (PROJECT_FOLDERS.some((folder) => file.startsWith(folder))) found = file;
  }
  sources.set(urlOrPath, found);
  return found;
}

/** Whether a project file is one the report leaves out (the simulator, the demo). */
export function isExcluded(file: string): boolean {
  return EXCLUDED_FOLDERS.some((folder) => file.startsWith(folder));
}

/** A file's folder, as the report groups them: `src/wecom`, `commands`, `jobs`. */
export function folderOf(file: string): string {
  return file.includes("/") ? file.slice(0, file.lastIndexOf("/")) : ".";
}

/** The compiled module of a project file, as a URL to import: `distUrl("src/main/system.js")`. */
export function distUrl(compiled: string): string {
  return new URL(compiled, DIST_URL).href;
}
