import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";
import type { CallbackOutcome } from "../wecom/callback-receiver.js";
import type { PushMetrics } from "../push/delivery-log.js";
import { withDeadline } from "./with-deadline.js";

/** A source of queue depths, read at scrape time. */
export interface QueueDepthSource {
  name: string;
  getJobCounts(...states: string[]): Promise<Record<string, number>>;
}

/** The product's Prometheus metrics, in a registry of their own (no global state). */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: "pingan_process_" });
  const callbacks = new Counter({
    name: "pingan_callbacks_total",
    help: "WeCom callbacks by bot (its id; default for the single bot:) and outcome",
    labelNames: ["bot", "outcome"] as const,
    registers: [registry],
  });
  const commands = new Counter({
    name: "pingan_commands_total",
    help: "Chat commands by command id and result (ok, user_error, failed)",
    labelNames: ["command", "result"] as const,
    registers: [registry],
  });
  const pushes = new Counter({
    name: "pingan_pushes_total",
    help: "Webhook push attempts by group and outcome",
    labelNames: ["group", "outcome"] as const,
    registers: [registry],
  });
  const pushFailures = new Counter({
    name: "pingan_push_failures_total",
    help: "Push attempts WeCom did not take, by errcode (none: network error or timeout) and outcome (retry, failed)",
    labelNames: ["errcode", "outcome"] as const,
    registers: [registry],
  });
  const alertDelivery = new Histogram({
    name: "pingan_alert_delivery_seconds",
    help: "Time from a report to the delivery of its alert to the leaders' group",
    buckets: [1, 2, 5, 10, 20, 30, 60, 120, 300, 900],
    registers: [registry],
  });
  const replySeconds = new Histogram({
    name: "pingan_reply_seconds",
    help: "Time from receiving a callback to sending the sealed reply, by bot",
    labelNames: ["bot"] as const,
    buckets: [0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2],
    registers: [registry],
  });
  const repliesGivenUp = new Counter({
    name: "pingan_long_connection_replies_given_up_total",
    help: "Replies owed on the long connection and given up, by why (attempts, expired, refused)",
    labelNames: ["why"] as const,
    registers: [registry],
  });
  const framesRefused = new Counter({
    name: "pingan_long_connection_frames_refused_total",
    help: "Inbound long-connection frames dropped because they cannot be read, by reason",
    labelNames: ["reason"] as const,
    registers: [registry],
  });
  const queueSources: QueueDepthSource[] = [];
  new Gauge({
    name: "pingan_queue_jobs",
    help: "Jobs per queue and state",
    labelNames: ["queue", "state"] as const,
    registers: [registry],
    async collect() {
      this.reset();
      // Bounded: while Redis hangs the scrape still answers, without these gauges (/healthz says why).
      const counts = await Promise.all(
        queueSources.map((source) => withDeadline(source.getJobCounts("waiting", "delayed", "active", "failed", "completed"), 1000)),
      );
      counts.forEach((read, i) => {
        if (!read.ok) return;
        for (const [state, n] of Object.entries(read.value)) this.set({ queue: queueSources[i]!.name, state }, n);
      });
    },
  });

  // prom-client's own functions, as the receivers are told theirs: counting a delivery runs no code of this module.
  const push: PushMetrics = {
    countPush: pushes.inc.bind(pushes),
    countFailure: pushFailures.inc.bind(pushFailures),
    observeAlertDelivered: alertDelivery.observe.bind(alertDelivery),
  };
  return {
    registry,
    push,
    /**
     * A callback bot's metrics, as its receiver is told them: each county's bot is watched on its
     * own. prom-client's own functions (a counter per outcome, the histogram's observe), made at
     * start, so that counting a message runs no code of this module.
     */
    callbackOf: (bot: string) => ({
      countOutcome: (outcome: CallbackOutcome) => callbacks.labels({ bot, outcome }).inc,
      onReplied: replySeconds.labels({ bot }).observe,
    }),
    /** Counts a command that ran, as the receivers are told it (BotReply.command); prom-client's own inc, for the same reason. */
    command: commands.inc.bind(commands) as (labels: { command: string; result: "ok" | "user_error" | "failed" }) => void,
    replyGivenUp: (why: string) => repliesGivenUp.inc({ why }),
    frameRefused: (reason: string) => framesRefused.inc({ reason }),
    watchQueue: (source: QueueDepthSource) => queueSources.push(source),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
