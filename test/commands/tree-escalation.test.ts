import { readFileSync, writeFileSync } from "node:fs";
import { afterAll, beforeAll, expect, it } from "vitest";
import { startHarness, type Harness } from "../support/harness.js";
import { inScope, writeTreeDeployment, type TreeDeployment } from "../support/tree-deployment.js";
import { waitFor } from "../support/wait-for.js";
import { sayAt } from "./leader-seed.js";

let tree: TreeDeployment;
let h: Harness;
beforeAll(async () => {
  tree = writeTreeDeployment();
  // An escalation within the test; 安宁县's and 平安市's leaders on duty.
  const yaml = readFileSync(tree.path, "utf8").replace("  ack_minutes: 15", "  ack_minutes: 0.02").replace(/^ {2}on_duty: \[\].*$/m, "  on_duty: [lead_county3, lead_city1]");
  writeFileSync(tree.path, yaml);
  h = await startHarness({ now: "2026-11-24T08:30:00+08:00", config: tree.path, webhookKeys: tree.webhookKeys });
});
afterAll(async () => {
  await h?.close();
  tree?.remove();
});

it("escalates an unacknowledged incident to the leaders groups above its school only, @-mentioning only leaders whose node holds it", async () => {
  const school = tree.schools[0]!;
  expect(await sayAt(h, "2026-11-24T08:30:00+08:00", school.reporter, "异常 校门口积水")).toContain("已登记");
  const escalations = () => h.webhook.messages.filter((m) => m.content.includes("还没有领导回复"));
  const holding = tree.leaders.filter((l) => inScope(l, school));
  await waitFor("the escalations to reach the groups above the school", () => new Set(escalations().map((m) => m.group)).size === holding.length, { timeoutMs: 60_000 });
  await h.drainPushes();
  expect([...new Set(escalations().map((m) => m.group))].sort()).toEqual(holding.map((l) => l.groupName).sort());
  // Of the two on duty, 平安市's leader holds the school; 安宁县's is none of its business.
  for (const m of escalations()) expect(m.mentioned_list, m.group).toEqual(["lead_city1"]);
});
