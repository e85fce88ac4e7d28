import type { TaskId } from "../config/schema.js";

/** Words that name a task in commands like `撤销 平安` or `未报 学习` (simplified script). */
const TASK_WORDS: Record<string, TaskId> = {
  平安: "safety", 报平安: "safety", 安全: "safety", 零报告: "safety", 日报: "safety",
  平安日报: "safety", 异常: "safety",
  防溺水: "drowning", 溺水: "drowning", 防溺水提醒: "drowning",
  学习: "study", 周学习: "study", 政治学习: "study",
};

/** The task a word names, if any. */
export function parseTaskWord(word: string): TaskId | undefined {
  return TASK_WORDS[word];
}
