import { execFile, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";

/** A font file that can draw Chinese, and the family name resvg matches inside it. */
export interface CjkFont {
  readonly file: string;
  readonly family: string;
  /** The same family in bold, when installed (titles and figures read better with it). */
  readonly boldFile?: string;
}

/** No usable font; `missing` says why, in Chinese, for /healthz and the start-up log. */
export interface CjkFontMissing {
  readonly missing: string;
}

/**
 * Where the Noto CJK fonts live. A .ttc holds JP, KR, SC, TC and HK faces; "SC" is the one with
 * the simplified-Chinese glyph forms, and resvg matches faces by this family name.
 */
export const NOTO_CJK_FONTS: readonly CjkFont[] = [
  // Debian and Ubuntu: fonts-noto-cjk.
  {
    file: "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    family: "Noto Sans CJK SC",
    boldFile: "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc",
  },
  {
    file: "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
    family: "Noto Serif CJK SC",
    boldFile: "/usr/share/fonts/opentype/noto/NotoSerifCJK-Bold.ttc",
  },
  // RHEL, CentOS and Fedora: google-noto-sans-cjk-ttc-fonts ships the same files.
  {
    file: "/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc",
    family: "Noto Sans CJK SC",
    boldFile: "/usr/share/fonts/google-noto-cjk/NotoSansCJK-Bold.ttc",
  },
];

const PACKAGE = "fonts-noto-cjk";
const MANUAL = `请以 root 运行：apt-get install -y ${PACKAGE}`;

/** The first CJK font found on this machine, or why there is none. */
export function findCjkFont(candidates: readonly CjkFont[] = NOTO_CJK_FONTS): CjkFont | CjkFontMissing {
  const found = candidates.find((font) => existsSync(font.file));
  if (!found) return { missing: `未安装中文字体 ${PACKAGE}，周报图片无法生成。${MANUAL}` };
  const { file, family, boldFile } = found;
  return boldFile && existsSync(boldFile) ? { file, family, boldFile } : { file, family };
}

/** Options of {@link ensureCjkFont}. */
export interface EnsureCjkFontOptions {
  /** Progress messages for a person (installing). */
  say?: (line: string) => void;
  /** Where to look; Noto CJK's usual places by default. */
  candidates?: readonly CjkFont[];
  /** Path of apt-get, or null for a machine without it; looked up on PATH by default. */
  aptGet?: string | null;
}

/**
 * Finds a CJK font, installing fonts-noto-cjk with apt-get when it is missing and we are root on
 * Debian (about 56 MB to download, once). apt-get runs beside the event loop, never blocking it:
 * a start-up that waited on it synchronously let the Redis commands in flight time out.
 */
export async function ensureCjkFont(options: EnsureCjkFontOptions = {}): Promise<CjkFont | CjkFontMissing> {
  const { say = () => {}, candidates = NOTO_CJK_FONTS } = options;
  const first = findCjkFont(candidates);
  if ("file" in first) return first;
  const apt = options.aptGet === undefined ? which("apt-get") : options.aptGet;
  if (!apt || process.getuid?.() !== 0) return first;

  say(`未找到中文字体，正在用 apt-get 安装 ${PACKAGE}（约 56 MB，只需一次）…`);
  let install = await aptGet(apt, ["install", "-y", "-qq", PACKAGE]);
  // Fresh containers ship without package lists; stale lists point at files the mirror deleted.
  // Only then is the slow `apt-get update` worth running.
  if (install.status !== 0 && lacksLists(install.output)) {
    say("软件包列表缺失或过期，先运行 apt-get update …");
    const update = await aptGet(apt, ["update", "-qq"]);
    if (update.status !== 0) return failed("apt-get update", update);
    install = await aptGet(apt, ["install", "-y", "-qq", PACKAGE]);
  }
  if (install.status !== 0) return failed(`apt-get install ${PACKAGE}`, install);

  const after = findCjkFont(candidates);
  if ("file" in after) {
    say(`中文字体已安装：${after.file}`);
    return after;
  }
  return { missing: `已安装 ${PACKAGE}，但没有找到它的字体文件（${candidates.map((c) => c.file).join("、")}）。` };
}

interface AptResult {
  status: number | null;
  output: string;
}

function aptGet(apt: string, args: string[]): Promise<AptResult> {
  return new Promise((done) => {
    execFile(
      apt,
      args,
      {
        encoding: "utf8",
        maxBuffer: 64 * 1024 * 1024,
        // Debian's mirrors can be slow; a hung download must not hang start-up for ever.
        timeout: 15 * 60_000,
        // LC_ALL=C keeps apt's messages in English, which lacksLists reads.
        env: { ...process.env, DEBIAN_FRONTEND: "noninteractive", LC_ALL: "C" },
      },
      (error, stdout, stderr) => {
        // A number is apt-get's exit status; otherwise it did not run or was stopped (timeout).
        const status = error ? (typeof error.code === "number" ? error.code : null) : 0;
        const why = error && status === null ? `\n${error.message}` : "";
        done({ status, output: `${stdout ?? ""}\n${stderr ?? ""}${why}` });
      },
    );
  });
}

function lacksLists(output: string): boolean {
  return /Unable to locate package|has no installation candidate|404\s+Not Found|apt-get update/i.test(output);
}

function failed(what: string, result: AptResult): CjkFontMissing {
  const reason = result.output.split("\n").map((line) => line.trim()).filter((line) => line.startsWith("E:")).pop();
  const code = result.status === null ? "超时或被中止" : `退出码 ${result.status}`;
  return { missing: `自动安装中文字体失败（${what}：${code}${reason ? `，${reason}` : ""}）。${MANUAL}` };
}

function which(name: string): string | undefined {
  const out = spawnSync("sh", ["-c", `command -v ${name}`], { encoding: "utf8" });
  const path = out.stdout.trim();
  return out.status === 0 && path ? path : undefined;
}
