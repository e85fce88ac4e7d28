import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCommands } from "../../commands/index.js";
import { loadConfig } from "../../src/config/load-config.js";
import { TEST_ENV } from "../support/test-env.js";
import { startHarness, type Harness } from "../support/harness.js";
import { codeSpans, markedTables } from "./read-docs.js";

/** The commands of the example config, as the service builds them. */
const commands = createCommands((await loadConfig({ path: "config/pingan.example.yaml", env: TEST_ENV })).config);

/**
 * Every example message of 使用说明 (the page a bureau prints for its principals and leaders)
 * does what its row says: sent by the person the table is for, through the real service, it is
 * handled by the command in the row's last column (its first keyword), without a usage error.
 * The tables are found by their marker, `<!-- examples from USERID -->`.
 */
const PAGE = "docs/zh/使用说明.md";
const tables = markedTables(readFileSync(PAGE, "utf8"), "examples");
const byKeyword = new Map(commands.map((spec) => [spec.aliases[0]!, spec.id]));

/** The count of a command's successful runs, as /metrics tells it. */
async function okCount(h: Harness, command: string): Promise<number> {
  const text = await (await fetch(`${h.url}/metrics`)).text();
  const line = text.split("\n").find((l) => l.startsWith(`pingan_commands_total{command="${command}",result="ok"}`));
  return line ? Number(line.split(" ").at(-1)) : 0;
}

describe(`the examples of ${PAGE}`, () => {
  let h: Harness;
  // A Friday in the anti-drowning season and in term: every task is open.
  beforeAll(async () => {
    h = await startHarness({ now: "2026-06-12T08:30:00+08:00" });
  });
  afterAll(() => h.close());

  it("marks the tables of both parts, for principals and for leaders", () => {
    expect(tables.length).toBeGreaterThanOrEqual(5);
    const senders = new Set(tables.map((t) => t.marker.replace(/^from\s+/u, "")));
    expect(h.roster.schoolsOf("zhang_wei").length).toBeGreaterThan(0);
    expect([...senders]).toEqual(expect.arrayContaining(["zhang_wei", "wang_zhiyuan"]));
  });

  for (const table of tables) {
    const sender = table.marker.replace(/^from\s+/u, "");
    for (const row of table.rows) {
      const keyword = row.at(-1)!;
      const messages = codeSpans(row[0]!);
      it(`${sender}: ${messages.join(" · ")} → ${keyword} (line ${table.line})`, async () => {
        const command = byKeyword.get(keyword);
        expect(command, `"${keyword}" is no command's first keyword`).toBeDefined();
        expect(messages.length).toBeGreaterThan(0);
        for (const message of messages) {
          const before = await okCount(h, command!);
          const reply = await h.say(sender, message);
          expect(reply, message).not.toContain("正确示例");
          expect(await okCount(h, command!), `${message} → ${reply}`).toBe(before + 1);
        }
      });
    }
  }
});
