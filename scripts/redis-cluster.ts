import { mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { Redis } from "ioredis";
import { startEmbeddedRedis, type EmbeddedRedis } from "../src/store/embedded-redis.js";

/** A Redis Cluster of three masters on loopback, each with AOF on, for tests and trials. */
export interface LocalCluster {
  /** For REDIS_URL: `redis+cluster://127.0.0.1:p1,127.0.0.1:p2,127.0.0.1:p3`. */
  url: string;
  nodes: readonly EmbeddedRedis[];
  /** FLUSHALL on every master (KEYS and FLUSHALL are per node in a cluster). */
  flushAll(): Promise<void>;
  stop(): Promise<void>;
}

const SLOTS = 16384;

/**
 * Starts `masters` redis-server processes in cluster mode under `dir`, splits the 16384 hash
 * slots between them and waits until every node reports `cluster_state:ok`.
 */
export async function startLocalCluster({ dir, masters = 3 }: { dir: string; masters?: number }): Promise<LocalCluster> {
  const nodes: EmbeddedRedis[] = [];
  for (let i = 0; i < masters; i += 1) {
    const dataDir = resolve(dir, `node-${i}`);
    mkdirSync(dataDir, { recursive: true });
    nodes.push(
      await startEmbeddedRedis({
        dataDir,
        extraArgs: ["--cluster-enabled", "yes", "--cluster-config-file", join(dataDir, "nodes.conf"), "--cluster-node-timeout", "2000"],
      }),
    );
  }
  const clients = nodes.map((node) => new Redis(node.port, "127.0.0.1", { lazyConnect: false }));
  try {
    for (const [i, client] of clients.entries()) {
      const first = Math.floor((SLOTS * i) / masters);
      const last = Math.floor((SLOTS * (i + 1)) / masters) - 1;
      await client.call("CLUSTER", "ADDSLOTSRANGE", String(first), String(last));
    }
    for (const node of nodes.slice(1)) await clients[0]!.call("CLUSTER", "MEET", "127.0.0.1", String(node.port));
    for (let attempt = 0; attempt < 200; attempt += 1) {
      const states = await Promise.all(clients.map((c) => c.call("CLUSTER", "INFO") as Promise<string>));
      if (states.every((s) => s.includes("cluster_state:ok") && s.includes(`cluster_known_nodes:${masters}`))) break;
      if (attempt === 199) throw new Error("the local Redis Cluster did not come up in 10 s");
      await sleep(50);
    }
  } finally {
    for (const client of clients) client.disconnect();
  }
  return {
    url: `redis+cluster://${nodes.map((n) => `127.0.0.1:${n.port}`).join(",")}`,
    nodes,
    async flushAll() {
      for (const node of nodes) {
        const client = new Redis(node.port, "127.0.0.1");
        await client.flushall();
        client.disconnect();
      }
    },
    async stop() {
      await Promise.all(nodes.map((node) => node.stop()));
    },
  };
}

/** `tsx scripts/redis-cluster.ts [dir]`: starts a cluster, prints its REDIS_URL, stops on Ctrl-C. */
if (import.meta.url === `file://${process.argv[1]}`) {
  const cluster = await startLocalCluster({ dir: process.argv[2] ?? "data/cluster" });
  console.log(`REDIS_URL=${cluster.url}`);
  console.log("按 Ctrl-C 停止集群");
  const stop = () => void cluster.stop().then(() => process.exit(0));
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}
