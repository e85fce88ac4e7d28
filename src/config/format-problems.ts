import type { ConfigProblem } from "../errors.js";

/**
 * One line per problem, e.g.
 * `config/pingan.yaml:12 tasks.safety.deadlin: 未知的配置项，是否想写 deadline？`.
 */
export function formatProblems(problems: readonly ConfigProblem[]): string {
  return problems.map(formatProblem).join("\n");
}

function formatProblem(problem: ConfigProblem): string {
  const where = problem.line === undefined ? problem.file : `${problem.file}:${problem.line}`;
  const head = problem.key ? `${where} ${problem.key}` : where;
  return `${head}: ${joinSentences(problem.message, problem.hint)}`;
}

function joinSentences(message: string, hint: string | undefined): string {
  if (!hint) return message;
  return /[。？！：，；]$/.test(message) ? `${message}${hint}` : `${message}。${hint}`;
}
