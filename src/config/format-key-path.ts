import type { KeyPath } from "./problems.js";

/** `["calendar", "terms", 0, "end"]` → `calendar.terms[0].end`. */
export function formatKeyPath(path: KeyPath): string {
  let out = "";
  for (const segment of path) {
    if (typeof segment === "number") out += `[${segment}]`;
    else out += out ? `.${segment}` : segment;
  }
  return out;
}
