import { CodedError, ErrorCode, type ConfigProblem } from "../errors.js";
import { formatProblems } from "./format-problems.js";
import { text } from "./messages.js";

/**
 * The config or roster is invalid: every problem found, sorted by file and line, in its
 * details; the message is the whole report in Chinese, ready to print (a header line, then one
 * line per problem).
 */
export function configError(problems: readonly ConfigProblem[]): CodedError<ErrorCode.ConfigInvalid> {
  const sorted = sortProblems(problems);
  return new CodedError(ErrorCode.ConfigInvalid, `${text.problemsHeader(sorted.length)}\n${formatProblems(sorted)}`, { problems: Object.freeze(sorted) });
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
