import type { CommandInput, CommandRegistry, CommandSpec, Role } from "./command.js";

/** Builds the registry; a duplicate id or a keyword claimed twice stops start-up. */
export function createCommandRegistry(specs: readonly CommandSpec<any>[]): CommandRegistry {
  const ids = new Set<string>();
  const owners = new Map<string, string>();
  for (const spec of specs) {
    if (ids.has(spec.id)) throw new Error(`command id "${spec.id}" is declared twice`);
    ids.add(spec.id);
    for (const alias of spec.aliases) {
      const owner = owners.get(alias);
      if (owner) throw new Error(`keyword "${alias}" is claimed by both "${owner}" and "${spec.id}"`);
      owners.set(alias, spec.id);
    }
  }
  const keywords = [...owners.keys()].sort((a, b) => b.length - a.length);
  const byId = new Map(specs.map((s) => [s.id, s as CommandSpec]));
  return {
    specs,
    match(text) {
      const lower = text.folded.toLowerCase();
      const keyword = keywords.find((k) => lower.startsWith(k));
      if (keyword === undefined) return undefined;
      const spec = byId.get(owners.get(keyword)!)!;
      const start = keyword.length + (/^[\s,:;/、]*/u.exec(text.folded.slice(keyword.length))?.[0].length ?? 0);
      const folded = text.folded.slice(start);
      const input: CommandInput = {
        folded,
        original: (from = 0, to = folded.length) => text.original(start + from, start + to),
      };
      return { spec, input };
    },
  };
}

/** Whether a sender with these roles may use the command. */
export function isAllowed(spec: CommandSpec, roles: ReadonlySet<Role>): boolean {
  return spec.roles === "anyone" || spec.roles.some((role) => roles.has(role));
}
