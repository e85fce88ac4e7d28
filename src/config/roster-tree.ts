import type { School } from "./school.js";

/** The levels above a 片区 that a roster may give, from the top: 省, 市, 县（区）. */
export const UPPER_LEVELS = ["province", "city", "county"] as const;
export type UpperLevel = (typeof UPPER_LEVELS)[number];

/** Where a node stands: the deployment's root (everything), a level above the 片区, or a 片区. */
export type NodeLevel = "root" | UpperLevel | "area";

/**
 * One node of the roster's tree: the root (the whole deployment), a 省, 市 or 县（区）, or a 片区.
 * A node is known by its path of names: two counties may each have a 城关片区, two distinct nodes.
 */
export interface RosterNode {
  readonly level: NodeLevel;
  /** "" for the root. */
  readonly name: string;
  /** The names from below the root down to this node; empty for the root. */
  readonly path: readonly string[];
  /** In the order the roster first names them. */
  readonly children: readonly RosterNode[];
  /** Every school under the node, in roster order. */
  readonly schools: readonly School[];
}

/** Separates the names of a node's path as the config writes it: `平安市/平安县`. */
export const NODE_SEPARATOR = "/";
/** What may separate them as typed: the slash, full-width or not. */
const TYPED_SEPARATOR = /[/／]/;

/** A school's place above its 片区, top first, as the roster gives it (empty for a county's roster). */
export function upperPath(school: School): string[] {
  return UPPER_LEVELS.flatMap((level) => (school[level] ? [school[level]] : []));
}

/**
 * The key a school's 片区 is counted under: its name alone where the roster gives no level above
 * it (a county's roster, its counts unchanged), else its whole path, so that two counties' 城关片区
 * are counted apart.
 */
export function areaKey(school: School): string {
  const above = upperPath(school);
  return above.length === 0 ? school.area : [...above, school.area].join(NODE_SEPARATOR);
}

/**
 * The key a node above the 片区 is counted under (its path, ending with the separator, so that
 * no 片区's areaKey is one); the keys of a school's nodes, top first (none in a county's roster).
 */
export function nodeKey(node: Pick<RosterNode, "path">): string {
  return node.path.join(NODE_SEPARATOR) + NODE_SEPARATOR;
}
export function nodeKeysOf(school: School): string[] {
  const above = upperPath(school);
  return above.map((_, i) => nodeKey({ path: above.slice(0, i + 1) }));
}

/** The tree of a roster's schools; the root holds them all. */
export function buildRosterTree(schools: readonly School[]): RosterNode {
  interface Building {
    level: NodeLevel;
    name: string;
    path: string[];
    children: Map<string, Building>;
    schools: School[];
  }
  const root: Building = { level: "root", name: "", path: [], children: new Map(), schools: [] };
  for (const school of schools) {
    let node = root;
    node.schools.push(school);
    const steps: [NodeLevel, string][] = [
      ...UPPER_LEVELS.flatMap((level): [NodeLevel, string][] => (school[level] ? [[level, school[level]]] : [])),
      ["area", school.area],
    ];
    for (const [level, name] of steps) {
      let child = node.children.get(name);
      if (!child) node.children.set(name, (child = { level, name, path: [...node.path, name], children: new Map(), schools: [] }));
      child.schools.push(school);
      node = child;
    }
  }
  const freeze = (node: Building): RosterNode =>
    Object.freeze({
      level: node.level,
      name: node.name,
      path: Object.freeze(node.path),
      children: Object.freeze([...node.children.values()].map(freeze)),
      schools: Object.freeze(node.schools),
    });
  return freeze(root);
}

/** The names of a node's path as typed in the config (`平安市/平安县`), NFKC and trimmed; empty for the root. */
export function parseNodePath(typed: string): string[] {
  return typed
    .normalize("NFKC")
    .split(TYPED_SEPARATOR)
    .map((name) => name.trim())
    .filter((name) => name !== "");
}

/**
 * The node a path names below `root` (`平安市/平安县`; unset or empty: the root itself); undefined
 * when the roster has no such node. A path may leave out the one node a level holds above it
 * (a province roster's `平安市` is `平安省/平安市`), so a city's config reads the same in a city's
 * and a province's deployment.
 */
export function findNode(root: RosterNode, typed: string | undefined): RosterNode | undefined {
  let node = root;
  for (const name of parseNodePath(typed ?? "")) {
    let next = node.children.find((child) => child.name === name);
    while (!next && node.children.length === 1 && node.children[0]!.level !== "area") {
      node = node.children[0]!;
      next = node.children.find((child) => child.name === name);
    }
    if (!next) return undefined;
    node = next;
  }
  return node;
}

/** A node's path as the config writes it; "" for the root. */
export function formatNodePath(node: Pick<RosterNode, "path">): string {
  return node.path.join(NODE_SEPARATOR);
}

/** Whether `school` is under `node` (the root holds every school). */
export function isUnder(node: RosterNode, school: School): boolean {
  const path = [...upperPath(school), school.area];
  return node.path.every((name, i) => path[i] === name);
}

/**
 * The node whose children a node's readers are shown: itself, or past a chain of single children
 * above the 片区 (a province's deployment's one province, a city of one county), which a path may
 * leave out (findNode).
 */
export function shownNode(node: RosterNode): RosterNode {
  let shown = node;
  while (shown.children.length === 1 && shown.children[0]!.level !== "area") shown = shown.children[0]!;
  return shown;
}

/**
 * A 片区 as a reader bound to `node` is shown it: the names of its key (areaKey) below the node
 * (shownNode), so `平安县/城关片区` to a city's leader and `城关片区` to a county's; two
 * counties' 城关片区 read apart, and `未报 平安县/城关片区` names the one meant.
 */
export function areaLabel(node: RosterNode, key: string): string {
  return key.split(NODE_SEPARATOR).slice(shownNode(node).path.length).join(NODE_SEPARATOR);
}

/**
 * Every node's path down to the counties, for suggesting the one meant: written as the config
 * may write it, without the one node a level holds at the top (findNode).
 */
export function listNodePaths(root: RosterNode): string[] {
  const top = shownNode(root);
  const paths: string[] = [];
  const walk = (node: RosterNode) => {
    for (const child of node.children) {
      if (child.level === "area") continue;
      paths.push(child.path.slice(top.path.length).join(NODE_SEPARATOR));
      walk(child);
    }
  };
  walk(top);
  return paths;
}

/** The node of no school: what an unknown binding scopes to (see scope.ts), so that it shows nothing rather than everything. */
export const EMPTY_NODE: RosterNode = Object.freeze({ level: "root", name: "", path: Object.freeze([]), children: Object.freeze([]), schools: Object.freeze([]) });
