/** The least number of injured that makes an incident urgent, whatever the configured words. */
export const URGENT_INJURED = 3;

const DIGITS: Record<string, number> = { 零: 0, 〇: 0, 一: 1, 二: 2, 两: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9 };

/** 3, 十二, 二十, 两: a count as a school writes it (up to 99); NaN otherwise. */
export function readCount(word: string): number {
  if (/^\d+$/u.test(word)) return Number(word);
  const [tens, ones] = word.split("十") as [string, string | undefined];
  if (ones === undefined) return word.length === 1 && word in DIGITS ? DIGITS[word]! : Number.NaN;
  const t = tens === "" ? 1 : (DIGITS[tens] ?? Number.NaN);
  const o = ones === "" ? 0 : (DIGITS[ones] ?? Number.NaN);
  return tens.length > 1 || ones.length > 1 ? Number.NaN : t * 10 + o;
}

/** A count of people hurt: 3人受伤, 三名学生受伤, 5 名师生轻伤, 受伤学生4人. */
const INJURED = [
  /(\d+|[零〇一二两三四五六七八九十]+)\s*(?:名|人|个|位)?\s*(?:学生|师生|教师|老师|儿童|幼儿|人员|人)?\s*(?:不同程度)?(?:受伤|轻伤|重伤|烧伤|烫伤|摔伤|砸伤|擦伤|骨折)/gu,
  /(?:受伤|伤者|伤员)(?:学生|师生|人员)?\s*(?:共|有)?\s*(\d+|[零〇一二两三四五六七八九十]+)\s*(?:名|人|个|位)/gu,
];

/**
 * The word that makes a description urgent, or undefined: one of `words` (死亡, 溺水, 失踪 by
 * default), or URGENT_INJURED or more people hurt, written in digits or in Chinese.
 */
export function findUrgency(description: string, words: readonly string[]): string | undefined {
  const word = words.find((w) => description.includes(w));
  if (word) return word;
  for (const pattern of INJURED) {
    for (const match of description.matchAll(pattern)) {
      if (readCount(match[1]!) >= URGENT_INJURED) return match[0].trim();
    }
  }
  return undefined;
}
