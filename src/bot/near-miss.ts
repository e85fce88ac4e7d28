/** Only the start of a message is searched: a mistyped command comes first. */
const SEARCHED_CHARS = 40;
const CJK = /\p{Script=Han}/u;

type Pinyin = typeof import("pinyin-pro").pinyin;
/**
 * The pinyin dictionary, loaded when a message first needs it: it takes a tenth of a second or
 * more to load, which every process start would otherwise pay for a path most never take.
 */
let loading: Promise<Pinyin> | undefined;
const loadPinyin = () => (loading ??= import("pinyin-pro").then((module) => module.pinyin));

/** Each character's sound without its tone (平 → ping); any other character as it is. */
function createSounds(pinyin: Pinyin) {
  const cache = new Map<string, string>();
  const soundOf = (ch: string): string => {
    let sound = cache.get(ch);
    if (sound === undefined) {
      sound = CJK.test(ch) ? pinyin(ch, { toneType: "none" }) : ch;
      cache.set(ch, sound);
    }
    return sound;
  };
  return (text: string) => [...text].map(soundOf).join(" ");
}
let sounds: ((text: string) => string) | undefined;

/** Whether `a` and `b` differ by at most one edit (a change, a swap of neighbours, a character more or less). */
function withinOneEdit(a: string, b: string): boolean {
  if (Math.abs(a.length - b.length) > 1) return false;
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i += 1;
  if (a.length === b.length) {
    return a.slice(i + 1) === b.slice(i + 1) || (a[i] === b[i + 1] && a[i + 1] === b[i] && a.slice(i + 2) === b.slice(i + 2));
  }
  return a.length > b.length ? a.slice(i + 1) === b.slice(i) : a.slice(i) === b.slice(i + 1);
}

/**
 * The command word a message seems to mean when it holds none: a word of the same sound
 * (平按, 评安 for 平安; 会总 for 汇总: the wrong choice of a pinyin keyboard), one edit from a
 * keyword of three characters or more (防弱水, 报平按), or the keyword spelled in pinyin
 * (pingan). `keywords` are folded; `masked` marks characters never read (school names).
 * Earliest in the message first, then the longest keyword.
 */
export async function findNearMiss(text: string, keywords: readonly string[], masked: readonly boolean[]): Promise<string | undefined> {
  sounds ??= createSounds(await loadPinyin());
  const soundsOf = sounds;
  const latin = text.replace(/[\s\p{P}\p{S}]/gu, "").toLowerCase();
  const spelled = /^[a-z]+$/u.test(latin) ? keywords.find((k) => CJK.test(k) && soundsOf(k).replace(/ /gu, "") === latin) : undefined;
  if (spelled) return spelled;
  const searched = [...text.slice(0, SEARCHED_CHARS)];
  const longestFirst = [...keywords].filter((k) => [...k].length >= 2).sort((a, b) => [...b].length - [...a].length);
  for (let at = 0; at < searched.length; at += 1) {
    for (const keyword of longestFirst) {
      const length = [...keyword].length;
      for (const size of length >= 4 ? [length, length - 1, length + 1] : [length]) {
        const window = searched.slice(at, at + size);
        if (window.length < size || window.some((ch, i) => masked[at + i] || /[\s\p{P}\p{S}]/u.test(ch))) continue;
        const word = window.join("");
        if (word === keyword) continue;
        const sameSound = size === length && CJK.test(word) && soundsOf(word) === soundsOf(keyword);
        if (sameSound || (length >= 3 && withinOneEdit(word, keyword))) return keyword;
      }
    }
  }
  return undefined;
}
