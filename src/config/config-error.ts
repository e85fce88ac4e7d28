import { CodedError, ErrorCode } from "../errors.js";
import { formatProblems } from "./format-problems.js";
import { text } from "./messages.js";

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

/**
 * The config or roster is invalid. Carries every problem found, sorted by file and line;
 * `message` is the whole report in Chinese, ready to print.
 */
export class ConfigError extends CodedError {
  readonly problems: readonly ConfigProblem[];

  constructor(problems: readonly ConfigProblem[]) {
    const sorted = sortProblems(problems);
    super(ErrorCode.ConfigInvalid, `${text.problemsHeader(sorted.length)}\n${formatProblems(sorted)}`);
    this.problems = Object.freeze(sorted);
  }

  /** The whole report in Chinese: a header line, then one line per problem. */
  format(): string {
    return this.message;
  }
}

function sortProblems(problems: readonly ConfigProblem[]): ConfigProblem[] {
  const fileOrder = new Map<string, number>();
  for (const p of problems) if (!fileOrder.has(p.file)) fileOrder.set(p.file, fileOrder.size);
  return problems
    .map((problem, index) => ({ problem, index }))
    .sort(
      (a, b) =>
        fileOrder.get(a.problem.file)! - fileOrder.get(b.problem.file)! ||
        (a.problem.line ?? 0) - (b.problem.line ?? 0) ||
        a.index - b.index,
    )
    .map(({ problem }) => Object.freeze({ ...problem }));
}
