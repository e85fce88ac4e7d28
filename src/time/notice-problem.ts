/** One thing wrong with a notice text, in Chinese for the admin. */
export interface NoticeProblem {
  /** What is wrong; quotes the sentence when there is one. */
  readonly message: string;
  /** The offending sentence as written; "" when the problem is the notice as a whole. */
  readonly sentence: string;
  /** 1-based line of the text the sentence is on. */
  readonly line?: number;
}
