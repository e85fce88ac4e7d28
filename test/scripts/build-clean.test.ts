import { execFile } from "node:child_process";
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";

/**
 * `npm run build` as `npm ci` runs it (prepare), in a copy of the project whose compiler is a
 * stand-in that writes one file: what a previous build left in dist/ (a module since renamed or
 * deleted) must not survive into the new one, where `pingan` could still import it.
 */
const dir = mkdtempSync(join(tmpdir(), "pingan-build-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("npm run build", () => {
  it("starts from an empty dist/: a stale compiled file of an earlier build does not ship", async () => {
    copyFileSync("package.json", join(dir, "package.json"));
    for (const folder of ["src", "scripts"]) symlinkSync(resolve(folder), join(dir, folder));
    mkdirSync(join(dir, "node_modules/.bin"), { recursive: true });
    const tsc = join(dir, "node_modules/.bin/tsc");
    writeFileSync(tsc, '#!/bin/sh\nmkdir -p dist/src/store && echo "export {};" > dist/src/fresh.js\n');
    chmodSync(tsc, 0o755);
    mkdirSync(join(dir, "dist/src/old"), { recursive: true });
    writeFileSync(join(dir, "dist/src/old/removed-module.js"), "export {};\n");

    await promisify(execFile)("npm", ["run", "--silent", "build"], { cwd: dir });

    expect(existsSync(join(dir, "dist/src/fresh.js"))).toBe(true);
    expect(existsSync(join(dir, "dist/src/old"))).toBe(false);
  });
});
