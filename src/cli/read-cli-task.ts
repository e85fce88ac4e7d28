import { taskWordsOf } from "../config/kinds.js";
import type { Config, TaskId } from "../config/schema.js";
import { CodedError, ErrorCode } from "../errors.js";
import { foldWord, parseTaskWord } from "../text/words.js";

/** What the command line says of a task it cannot take: plain text for a terminal, never markup. */
const cliTaskText = {
  unknown: (word: string, enabled: string) => `配置里没有任务“${word}”。可用的任务：${enabled}`,
  off: (name: string, enabled: string) => `本县没有启用“${name}”任务。可用的任务：${enabled}`,
  enabled: (config: Config) =>
    Object.entries(config.tasks)
      .filter(([, task]) => task.enabled)
      .map(([id, task]) => `${id}（${task.name}）`)
      .join("、") || "无（配置里的任务都没有启用）",
};

/**
 * The enabled task a command-line argument names (`pingan run remind`, `pingan export --task`):
 * its id (safety) or a word that names it (平安, 防溺水), read against the config before
 * anything is opened, so a typo starts no Redis. Refused with the enabled tasks listed.
 */
export function readCliTask(config: Config, word: string): TaskId {
  // Own keys only: `constructor` is not a task.
  const task = Object.hasOwn(config.tasks, word) ? word : parseTaskWord(taskWordsOf(config), foldWord(word));
  const declared = task === undefined ? undefined : config.tasks[task];
  if (task === undefined || declared === undefined) throw new CodedError(ErrorCode.Usage, cliTaskText.unknown(word, cliTaskText.enabled(config)));
  if (!declared.enabled) throw new CodedError(ErrorCode.TaskDisabled, cliTaskText.off(declared.name, cliTaskText.enabled(config)));
  return task;
}
