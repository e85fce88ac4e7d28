/** A demo's printed chats, by group title (`── 全县校长群 ───`): each group's lines until the next title. */
export function chatsByGroup(lines: readonly string[]): Map<string, string> {
  const chats = new Map<string, string>();
  let group: string | undefined;
  for (const line of lines) {
    const title = /^── (\S+) ─+$/.exec(line);
    if (title) group = title[1]!;
    else if (group) chats.set(group, `${chats.get(group) ?? ""}${line}\n`);
  }
  return chats;
}
