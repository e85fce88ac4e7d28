import type { Env } from "./expand-env.js";
import type { LoadedConfig } from "./load-config.js";

/**
 * A config file and the environment its `${NAME}` references are read from. The environment
 * stays in here: loading the config is the one use of it, and no other part is given it.
 */
export interface ConfigSource {
  /** The YAML file, as given (PINGAN_CONFIG or --config); problems and titles name it so. */
  readonly path: string;
  /** Loads it (loadConfig); `standIns` answer the names the environment lacks (a command that needs no secret). */
  load(standIns?: Env): Promise<LoadedConfig>;
  /** Another file, read with the same environment (--config). */
  at(path: string): ConfigSource;
}

export function createConfigSource(path: string, env: Env): ConfigSource {
  const variables: Env = Object.freeze({ ...env });
  return Object.freeze({
    path,
    // Settings are read on every start of the command line, --help included: the loader (YAML,
    // Excel) comes only with a config to load.
    load: async (standIns: Env = {}) => (await import("./load-config.js")).loadConfig({ path, env: { ...standIns, ...variables } }),
    at: (other: string) => createConfigSource(other, variables),
  });
}
