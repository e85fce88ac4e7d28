/** A path into the config document: keys and sequence indexes, e.g. `["tasks", "safety", "deadline"]`. */
export type KeyPath = readonly (string | number)[];

/** A problem found in the parsed config, before it is tied to a file and line. */
export interface PathProblem {
  readonly path: KeyPath;
  readonly message: string;
  readonly hint?: string;
}
