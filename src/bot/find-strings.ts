/** Where one of the strings occurs in a text, and what it stands for. */
export interface FoundString<T> {
  value: T;
  start: number;
  end: number;
}

/**
 * Finds every occurrence of any of many fixed strings in a short text (school names in a chat
 * message). Built once per list: a message is scanned once, each position checked only
 * against the strings that start with its character, instead of searching for every string.
 */
export function createStringFinder<T>(entries: readonly { key: string; value: T }[]): (text: string) => FoundString<T>[] {
  const byFirst = new Map<string, { key: string; value: T }[]>();
  for (const entry of entries) {
    if (entry.key === "") continue;
    const first = entry.key[0]!;
    const bucket = byFirst.get(first);
    if (bucket) bucket.push(entry);
    else byFirst.set(first, [entry]);
  }
  return (text) => {
    const found: FoundString<T>[] = [];
    for (let at = 0; at < text.length; at += 1) {
      for (const { key, value } of byFirst.get(text[at]!) ?? []) {
        if (text.startsWith(key, at)) found.push({ value, start: at, end: at + key.length });
      }
    }
    return found;
  };
}
