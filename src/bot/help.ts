import type { CommandSpec, Role } from "./command.js";
import { isAllowed } from "./registry.js";

/** Help for a sender, built from the specs so it always agrees with the parsers. */
export function formatHelp(specs: readonly CommandSpec[], roles: ReadonlySet<Role>, botName: string): string {
  const lines = [`**${botName}用法**（在群里先 @${botName}，私聊可直接发送）`];
  for (const spec of specs) {
    if (!isAllowed(spec, roles)) continue;
    const [keyword, ...others] = spec.aliases;
    const also = others.length > 0 ? `（也可写：${others.slice(0, 4).join("、")}）` : "";
    lines.push("", `**${keyword}**${also}：${spec.summary}`);
    for (const example of spec.examples) lines.push(`> @${botName} ${example}`);
  }
  lines.push("", "全角数字、繁体字都可以识别；词之间用空格或逗号隔开即可。");
  return lines.join("\n");
}
