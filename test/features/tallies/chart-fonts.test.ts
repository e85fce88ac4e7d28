import { existsSync, readFileSync, statSync } from "node:fs";
import { renderAsync } from "@resvg/resvg-js";
import { describe, expect, it } from "vitest";
import { createChartFonts } from "../../../src/features/tallies/chart-fonts.js";
import { extractFace } from "../../../src/features/tallies/font-face.js";
import { useCjkFont } from "../../support/cjk-font.js";

const cjkFont = useCjkFont();

/** Dark pixels of `text` drawn with only `files`: none when the font lacks its glyphs. */
async function inkOf(text: string, files: readonly string[]): Promise<number> {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="200" height="40"><text x="4" y="30" font-size="24" font-family="${cjkFont().family}">${text}</text></svg>`;
  const image = await renderAsync(svg, { background: "#ffffff", font: { fontFiles: [...files], loadSystemFonts: false, defaultFontFamily: cjkFont().family } });
  let ink = 0;
  for (let i = 0; i < image.pixels.length; i += 4) if (image.pixels[i]! < 128) ink += 1;
  return ink;
}

describe("extractFace", () => {
  it("takes the named face out of a collection as a font of its own, and refuses a family it lacks", () => {
    const collection = readFileSync(cjkFont().file);
    const face = extractFace(collection, cjkFont().family);
    expect(["OTTO", "\0\x01\0\0"]).toContain(face.toString("latin1", 0, 4));
    expect(face.length).toBeLessThan(collection.length);
    // A single face is its own answer when its name matches.
    expect(extractFace(face, cjkFont().family)).toBe(face);
    expect(() => extractFace(collection, "No Such Family")).toThrow(/No Such Family/);
    expect(() => extractFace(face, "No Such Family")).toThrow(/No Such Family/);
  });
});

describe("createChartFonts", () => {
  it("draws with small fonts of the characters asked, cut again only for new ones, each drawing's copy removed when released", async () => {
    const font = cjkFont();
    const fonts = createChartFonts(font.boldFile ? [font.file, font.boldFile] : [font.file], font.family);
    const first = await fonts.lease("平安日报 98.5%");
    expect(first.files).toHaveLength(font.boldFile ? 2 : 1);
    for (const file of first.files) expect(statSync(file).size).toBeLessThan(200_000);
    expect(await inkOf("平安日报", first.files)).toBeGreaterThan(100);

    const again = await fonts.lease("日报 平安");
    expect(again.files).not.toEqual(first.files);
    expect(readFileSync(again.files[0]!)).toEqual(readFileSync(first.files[0]!));

    const wider = await fonts.lease("柳树坪片区");
    expect(await inkOf("柳树坪", wider.files)).toBeGreaterThan(100);
    expect(await inkOf("平安", wider.files)).toBeGreaterThan(100);
    // 柳 was never asked for before: the first cut draws its missing-glyph box instead.
    expect(await inkOf("柳", first.files)).not.toBe(await inkOf("柳", wider.files));

    for (const lease of [first, again, wider]) lease.release();
    for (const lease of [first, again, wider]) await expect.poll(() => lease.files.some((file) => existsSync(file))).toBe(false);
  });

  it("cuts no more often than new characters need when charts ask at the same time", async () => {
    const fonts = createChartFonts([cjkFont().file], cjkFont().family);
    const leases = await Promise.all(["第一片区", "第二片区", "第一片区"].map((text) => fonts.lease(text)));
    const cuts = new Set(leases.map((lease) => readFileSync(lease.files[0]!).toString("base64")));
    // The first cut holds 第一片区; the second asker's 二 needs one more, then every later ask is covered.
    expect(cuts.size).toBeLessThanOrEqual(2);
    expect(await inkOf("第二片区", leases[1]!.files)).toBeGreaterThan(100);
    for (const lease of leases) lease.release();
    for (const lease of leases) await expect.poll(() => existsSync(lease.files[0]!)).toBe(false);
  });
});
