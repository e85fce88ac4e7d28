import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Resvg } from "@resvg/resvg-js";
import { afterEach, describe, expect, it } from "vitest";
import { ensureCjkFont, findCjkFont, type CjkFont } from "../../../src/features/tallies/find-cjk-font.js";

const isRoot = process.getuid?.() === 0;

/** "骨" and "直" are drawn differently in the Chinese (SC) and Japanese faces of Noto CJK. */
function draw(fontFiles: string[], family: string, weight = "normal"): string {
  const svg =
    `<svg xmlns="http://www.w3.org/2000/svg" width="240" height="60">` +
    `<text x="10" y="45" style="font-size:40px;font-family:${family};font-weight:${weight};">骨直平安</text></svg>`;
  // A family resvg cannot match falls back to the file's first face (Noto Sans CJK JP).
  const image = new Resvg(svg, { font: { fontFiles, loadSystemFonts: false, defaultFontFamily: "No Such Font" } });
  return image.render().asPng().toString("base64");
}

describe("findCjkFont", () => {
  it("finds the installed Noto CJK font under the family name resvg matches, with its bold", async () => {
    const font = await ensureCjkFont();
    if ("missing" in font) throw new Error(font.missing);
    expect(existsSync(font.file)).toBe(true);
    expect(findCjkFont()).toEqual(font);
    // If the family name were wrong, resvg would fall back and both drawings would be the same.
    expect(draw([font.file], font.family)).not.toBe(draw([font.file], "No Such Font"));
    expect(draw([font.file], font.family)).not.toBe(draw([font.file], font.family.replace("SC", "JP")));
    if (font.boldFile) {
      expect(draw([font.file, font.boldFile], font.family, "bold")).not.toBe(draw([font.file], font.family, "bold"));
    }
  });

  it("says in Chinese what to install when no candidate exists", () => {
    const result = findCjkFont([{ file: "/nonexistent/NotoSansCJK-Regular.ttc", family: "Noto Sans CJK SC" }]);
    expect(result).toEqual({ missing: expect.stringContaining("未安装中文字体 fonts-noto-cjk") });
  });

  it("leaves out a bold file that is not there", async () => {
    const font = await ensureCjkFont();
    if ("missing" in font) throw new Error(font.missing);
    expect(findCjkFont([{ ...font, boldFile: "/nonexistent/Bold.ttc" }])).toEqual({ file: font.file, family: font.family });
  });
});

describe("ensureCjkFont", () => {
  let dir: string | undefined;
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  });

  /**
   * A stand-in apt-get that logs its calls. `install` "installs" the font file unless the package
   * lists are missing (until `update`) or `failure` is set.
   */
  function fakeApt(options: { lists: boolean; failure?: string; seconds?: number }) {
    dir = mkdtempSync(join(tmpdir(), "pingan-apt-"));
    const calls = join(dir, "calls");
    const lists = join(dir, "lists");
    const font: CjkFont = { file: join(dir, "NotoSansCJK-Regular.ttc"), family: "Noto Sans CJK SC" };
    if (options.lists) writeFileSync(lists, "");
    const apt = join(dir, "apt-get");
    writeFileSync(
      apt,
      `#!/bin/sh
echo "$*" >> '${calls}'
case "$1" in
  update) touch '${lists}' ;;
  install)
    ${options.seconds ? `sleep ${options.seconds}` : ""}
    ${options.failure ? `echo '${options.failure}' >&2; exit 100` : ""}
    [ -f '${lists}' ] || { echo "E: Unable to locate package fonts-noto-cjk" >&2; exit 100; }
    touch '${font.file}' ;;
esac
`,
    );
    chmodSync(apt, 0o755);
    const said: string[] = [];
    const run = () => ensureCjkFont({ say: (line) => said.push(line), candidates: [font], aptGet: apt });
    const log = () => (existsSync(calls) ? readFileSync(calls, "utf8").trim().split("\n") : []);
    return { font, run, said, log };
  }

  it("returns the font it finds without touching apt-get", async () => {
    const apt = fakeApt({ lists: true });
    writeFileSync(apt.font.file, "");
    expect(await apt.run()).toEqual(apt.font);
    expect(apt.log()).toEqual([]);
    expect(apt.said).toEqual([]);
  });

  it.skipIf(!isRoot)("installs fonts-noto-cjk without apt-get update when the lists are there", async () => {
    const apt = fakeApt({ lists: true });
    expect(await apt.run()).toEqual(apt.font);
    expect(apt.log()).toEqual(["install -y -qq fonts-noto-cjk"]);
    expect(apt.said[0]).toContain("正在用 apt-get 安装 fonts-noto-cjk");
    expect(apt.said.at(-1)).toContain(apt.font.file);
  });

  it.skipIf(!isRoot)("runs apt-get update only after an install that failed for lack of lists", async () => {
    const apt = fakeApt({ lists: false });
    expect(await apt.run()).toEqual(apt.font);
    expect(apt.log()).toEqual(["install -y -qq fonts-noto-cjk", "update -qq", "install -y -qq fonts-noto-cjk"]);
    expect(apt.said.some((line) => line.includes("apt-get update"))).toBe(true);
  });

  it.skipIf(!isRoot)("reports apt-get's own error when the install fails for another reason", async () => {
    const apt = fakeApt({ lists: true, failure: "E: Could not get lock /var/lib/dpkg/lock-frontend" });
    const result = await apt.run();
    expect(result).toEqual({ missing: expect.stringContaining("Could not get lock") });
    expect(result).toEqual({ missing: expect.stringContaining("apt-get install -y fonts-noto-cjk") });
    expect(apt.log()).toEqual(["install -y -qq fonts-noto-cjk"]);
  });

  it.skipIf(!isRoot)("leaves the event loop free while apt-get runs (Redis commands in flight must not time out)", async () => {
    const apt = fakeApt({ lists: true, seconds: 1 });
    let ticks = 0;
    const timer = setInterval(() => (ticks += 1), 50);
    try {
      expect(await apt.run()).toEqual(apt.font);
    } finally {
      clearInterval(timer);
    }
    expect(ticks).toBeGreaterThanOrEqual(10);
  });

  it("says what is missing on a machine without apt-get", async () => {
    const apt = fakeApt({ lists: true });
    const result = await ensureCjkFont({ candidates: [apt.font], aptGet: null });
    expect(result).toEqual({ missing: expect.stringContaining("未安装中文字体 fonts-noto-cjk") });
  });
});
