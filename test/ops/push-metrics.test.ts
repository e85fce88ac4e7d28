import { afterAll, beforeAll, expect, it } from "vitest";
import { createMetrics } from "../../src/ops/metrics.js";
import { createPushRecorder } from "../../src/push/delivery-log.js";
import { createKeys } from "../../src/store/keys.js";
import { createManualClock } from "../../src/clock/clock.js";
import { startTestRedis, type TestRedis } from "../support/redis.js";

let redis: TestRedis;
beforeAll(async () => {
  redis = await startTestRedis();
});
afterAll(() => redis.stop());

it("counts each push attempt by group and outcome, and those WeCom did not take by errcode, under the names and labels /metrics has always had", async () => {
  const metrics = createMetrics();
  const record = createPushRecorder({ redis: redis.client(), keys: createKeys(), clock: createManualClock(new Date("2026-11-24T01:00:00Z")), metrics: metrics.push });
  await record("cg", { outcome: "sent" });
  await record("cg", { outcome: "retry", errcode: 45009, reason: "rate limited" });
  await record("east", { outcome: "failed", reason: "timeout" });
  metrics.push.observeAlertDelivered?.(3);
  const text = await metrics.registry.metrics();
  expect(text).toContain('pingan_pushes_total{group="cg",outcome="sent"} 1');
  expect(text).toContain('pingan_pushes_total{group="cg",outcome="retry"} 1');
  expect(text).toContain('pingan_pushes_total{group="east",outcome="failed"} 1');
  expect(text).toContain('pingan_push_failures_total{errcode="45009",outcome="retry"} 1');
  expect(text).toContain('pingan_push_failures_total{errcode="none",outcome="failed"} 1');
  expect(text).not.toMatch(/pingan_push_failures_total\{[^}]*outcome="sent"/);
  expect(text).toContain("pingan_alert_delivery_seconds_count 1");
});
