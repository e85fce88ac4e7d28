/** A path into the config document: keys and sequence indexes, e.g. `["tasks", "safety", "deadline"]`. */
export type KeyPath = readonly (string | number)[];

/** One thing wrong with the config file or the roster, where it is and what to write instead. */
export interface ConfigProblem {
  /** The file as the admin named it, e.g. `config/pingan.yaml` or `config/schools.csv`. */
  readonly file: string;
  /** 1-based line in that file, when known. */
  readonly line?: number;
  /** Dotted config key (`tasks.safety.deadline`, `calendar.terms[0].end`) or CSV column (`学生数`). */
  readonly key?: string;
  /** What is wrong, in Chinese. Never contains a secret value. */
  readonly message: string;
  /** What to write instead, with an example. */
  readonly hint?: string;
}

/** A problem found in the parsed config, before it is tied to a file and line. */
export interface PathProblem {
  readonly path: KeyPath;
  readonly message: string;
  readonly hint?: string;
}
