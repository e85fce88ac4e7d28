import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";

const ROOT = new URL("../../", import.meta.url);

/**
 * Builds dist/ as production runs it (`npm run build`, what bin/pingan.js starts) and transpiles
 * `bench/support/<name>.ts` beside it, to dist/bench/support/<name>.js: its imports of
 * `../../src/…` then load the compiled service, so a child run from there by plain node measures
 * what production runs (no tsx hooks, no source maps). Answers the build's seconds.
 */
export function compileChild(name: string): number {
  const started = Date.now();
  execFileSync("npm", ["run", "-s", "build"], { cwd: fileURLToPath(ROOT), stdio: ["ignore", "ignore", "inherit"] });
  const source = readFileSync(new URL(`bench/support/${name}.ts`, ROOT), "utf8");
  const { outputText } = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, esModuleInterop: true } });
  const out = fileURLToPath(compiledChildUrl(name));
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, outputText);
  return (Date.now() - started) / 1000;
}

/** Where compileChild writes `name`'s JavaScript. */
export function compiledChildUrl(name: string): URL {
  return new URL(`dist/bench/support/${name}.js`, ROOT);
}
