import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import subsetFont from "subset-font";
import { extractFace } from "./font-face.js";

/** The font files one drawing reads; released when it is drawn. */
export interface FontLease {
  readonly files: readonly string[];
  release(): void;
}

/** The fonts of the charts one process draws. */
export interface ChartFonts {
  /** Font files with every character of `text` in them. */
  lease(text: string): Promise<FontLease>;
}

interface Cut {
  readonly chars: ReadonlySet<string>;
  readonly fonts: readonly Buffer[];
}

// Typographic family and subfamily besides the default ones: resvg matches the bold file by them.
const NAME_IDS = [1, 2, 16, 17];
// Digits, Latin and punctuation, which numbers and escaped markup draw, so a cut holds them from the start.
const ASCII = Array.from({ length: 0x7f - 0x20 }, (_, i) => String.fromCharCode(0x20 + i));

/**
 * resvg's Node binding takes fonts only as files and reads the whole file again for every text
 * it shapes: with a 20 MB CJK collection each text cost 0.1–0.3 s, seconds a chart. So the
 * charts draw with the named family cut to the characters they show (tens of KB), the same
 * glyphs. A cut covers every character drawn so far in the process and is made again only
 * when a chart shows one it lacks, so after the first charts of a roster none is made at all.
 * Each drawing gets its own copy on disk, removed when it is drawn, so nothing outlives it.
 */
export function createChartFonts(files: readonly string[], family: string): ChartFonts {
  let current: Cut | undefined;
  let cutting: Promise<Cut> | undefined;

  const covering = async (wanted: ReadonlySet<string>): Promise<Cut> => {
    for (;;) {
      if (current && [...wanted].every((char) => current!.chars.has(char))) return current;
      if (cutting) {
        // Another chart's cut: it may hold these characters too.
        await cutting.catch(() => undefined);
        continue;
      }
      cutting = cutFonts(files, family, new Set([...ASCII, ...(current?.chars ?? []), ...wanted]));
      try {
        current = await cutting;
      } finally {
        cutting = undefined;
      }
    }
  };

  return {
    async lease(text) {
      const cut = await covering(new Set(text));
      const dir = await mkdtemp(join(tmpdir(), "pingan-chart-fonts-"));
      const release = () => rm(dir, { recursive: true, force: true }).catch(() => undefined);
      try {
        const paths = cut.fonts.map((_, i) => join(dir, `${i}.otf`));
        await Promise.all(cut.fonts.map((font, i) => writeFile(paths[i]!, font)));
        return { files: paths, release: () => void release() };
      } catch (error) {
        await release();
        throw error;
      }
    },
  };
}

async function cutFonts(files: readonly string[], family: string, chars: ReadonlySet<string>): Promise<Cut> {
  const text = [...chars].join("");
  const fonts: Buffer[] = [];
  for (const file of files) {
    fonts.push(await subsetFont(extractFace(await readFile(file), family), text, { targetFormat: "sfnt", preserveNameIds: NAME_IDS }));
  }
  return { chars, fonts };
}
