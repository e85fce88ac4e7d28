import type { LoadHook } from "node:module";
import { instrumentModule } from "./instrument-module.js";
import { sourceOfCompiled } from "./project-files.js";

/**
 * The loader hook `scripts/trace.ts` registers: every compiled project module (dist/src,
 * dist/commands, dist/jobs) is loaded with a trace call at the start of each function, named by
 * the TypeScript file it was compiled from. Everything else loads untouched.
 */
export const load: LoadHook = async (url, context, nextLoad) => {
  const loaded = await nextLoad(url, context);
  const file = sourceOfCompiled(url);
  if (file === undefined || loaded.format !== "module" || loaded.source === undefined || loaded.source === null) return loaded;
  const source = typeof loaded.source === "string" ? loaded.source : Buffer.from(loaded.source as Uint8Array).toString("utf8");
  return { ...loaded, source: instrumentModule(source, file) };
};
