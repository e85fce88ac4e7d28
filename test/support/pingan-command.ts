/**
 * How tests run the `pingan` command line as a separate process: from the TypeScript sources
 * (through tsx), so that a test never runs a stale build.
 */
export function pinganArgs(...args: string[]): string[] {
  return ["--import", "tsx", "src/cli/entry.ts", ...args];
}
