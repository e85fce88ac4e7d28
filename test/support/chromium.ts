import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { existsSync } from "node:fs";
import { chromium, type BrowserContext, type BrowserContextOptions } from "playwright-core";

/** Debian's Chromium (scripts/ensure-system-packages.sh installs it). */
export const CHROMIUM = "/usr/bin/chromium";

/**
 * Flags for a closed network: no sandbox (containers run as root), no GPU, and none of the
 * background look-ups (QUIC probes, component updates, sync) that fail slowly offline.
 */
const ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

export interface OpenChromium {
  context: BrowserContext;
  close(): Promise<void>;
}

/** A headless Chromium with a fresh profile directory, removed on close. */
export async function openChromium(options: Pick<BrowserContextOptions, "viewport" | "deviceScaleFactor" | "isMobile" | "hasTouch" | "userAgent">): Promise<OpenChromium> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: run scripts/ensure-system-packages.sh as root`);
  const profile = await mkdtemp(join(tmpdir(), "pingan-chromium-"));
  const context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: ARGS, locale: "zh-CN", timezoneId: "Asia/Shanghai", ...options });
  return {
    context,
    async close() {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}
