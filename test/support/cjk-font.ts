import { beforeAll } from "vitest";
import { ensureCjkFont, type CjkFont } from "../../src/features/tallies/find-cjk-font.js";

/**
 * The CJK font the charts draw with, found (or fetched, which can take minutes on a fresh
 * machine) before the file's tests run; read it inside a test, not at collection.
 */
export function useCjkFont(): () => CjkFont {
  let font: CjkFont | undefined;
  beforeAll(async () => {
    const found = await ensureCjkFont({ say: (line) => console.log(line) });
    if ("missing" in found) throw new Error(found.missing);
    font = found;
  }, 15 * 60_000);
  return () => {
    if (!font) throw new Error("the CJK font is read before its beforeAll ran");
    return font;
  };
}
