import { readFile } from "node:fs/promises";
import type { School } from "./roster.js";
import { ConfigError } from "./config-error.js";
import { text } from "./messages.js";
import { parseRoster } from "./parse-roster.js";

/**
 * Reads and checks the roster CSV at `path` (shown as given in problems). Throws a
 * `ConfigError` with every bad row, or when the file cannot be read.
 */
export async function loadRoster(path: string): Promise<School[]> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ConfigError([{ file: path, message: code === "ENOENT" ? text.fileNotFound : text.fileUnreadable(code ?? "") }]);
  }
  return parseRoster(bytes, path);
}
