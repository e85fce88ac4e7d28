import { connect, createServer, type AddressInfo, type Socket } from "node:net";

/** A proxy in front of a test's redis-server that makes Redis refuse chosen commands. */
export interface RedisFaultProxy {
  /** The REDIS_URL to give the service. */
  readonly url: string;
  /**
   * The next `count` commands whose bytes contain `text` are not run: Redis answers each with
   * an error in its place, in order, as it answers a command it refuses.
   */
  failNext(text: string, count?: number): void;
  /** How many commands were refused so far. */
  refused(): number;
  close(): Promise<void>;
}

/** What is sent in place of a refused command: Redis answers `-ERR unknown command`. */
const REFUSED = Buffer.from("*1\r\n$21\r\nPINGAN-INJECTED-FAULT\r\n");

/**
 * A TCP proxy to `target` (redis://host:port) that reads the commands clients send (RESP
 * arrays) and replaces the ones `failNext` names: a Redis error where the test wants one, with
 * every other command and every answer passed through untouched.
 */
export async function startRedisFaultProxy(target: string): Promise<RedisFaultProxy> {
  const { hostname, port } = new URL(target);
  const faults: { text: Buffer; count: number }[] = [];
  const sockets = new Set<Socket>();
  let refused = 0;

  const rewrite = (command: Buffer): Buffer => {
    const fault = faults.find((f) => f.count > 0 && command.includes(f.text));
    if (!fault) return command;
    fault.count -= 1;
    refused += 1;
    return REFUSED;
  };

  const server = createServer((client) => {
    const upstream = connect(Number(port), hostname);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on("close", () => sockets.delete(socket));
      socket.on("error", () => {});
    }
    client.on("close", () => upstream.destroy());
    upstream.on("close", () => client.destroy());
    upstream.pipe(client);
    let pending = Buffer.alloc(0);
    client.on("data", (chunk: Buffer) => {
      pending = Buffer.concat([pending, chunk]);
      for (let size = commandSize(pending); size > 0; size = commandSize(pending)) {
        upstream.write(rewrite(pending.subarray(0, size)));
        pending = pending.subarray(size);
      }
    });
  });
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  const address = server.address() as AddressInfo;
  return {
    url: `redis://127.0.0.1:${address.port}`,
    failNext(text, count = 1) {
      faults.push({ text: Buffer.from(text), count });
    },
    refused: () => refused,
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((done) => server.close(() => done()));
    },
  };
}

/** The bytes of the first whole command in `buffer` (a RESP array, or an inline line); 0 while it is incomplete. */
function commandSize(buffer: Buffer): number {
  const lineEnd = (from: number) => buffer.indexOf("\r\n", from);
  if (buffer.length === 0) return 0;
  if (buffer[0] !== 0x2a /* '*' */) {
    const end = lineEnd(0);
    return end < 0 ? 0 : end + 2;
  }
  let end = lineEnd(0);
  if (end < 0) return 0;
  const items = Number(buffer.subarray(1, end).toString());
  let at = end + 2;
  for (let i = 0; i < items; i += 1) {
    end = lineEnd(at);
    if (end < 0) return 0;
    const length = Number(buffer.subarray(at + 1, end).toString());
    at = end + 2 + length + 2;
    if (at > buffer.length) return 0;
  }
  return at;
}
