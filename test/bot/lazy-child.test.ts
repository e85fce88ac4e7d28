import { Writable } from "node:stream";
import pino from "pino";
import { expect, it } from "vitest";
import { lazyChild } from "../../src/bot/dispatch.js";

function capture() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      done();
    },
  });
  return { lines, log: pino({ level: "debug" }, stream) };
}

it("logs through a child made on first use, with its bindings, and makes none for a message that logs nothing", async () => {
  const { lines, log } = capture();
  let made = 0;
  const child = log.child;
  log.child = function (this: typeof log, ...args: Parameters<typeof log.child>) {
    made += 1;
    return child.apply(this, args);
  } as typeof log.child;
  lazyChild(log, { msgid: "m0" });
  expect(made).toBe(0);
  const tagged = lazyChild(log, { msgid: "m1" });
  tagged.warn({ command: "report" }, "card not drawn");
  tagged.info("repeated message, same reply");
  expect(made).toBe(1);
  tagged.child({ part: 2 }).debug("deeper");
  expect(tagged.isLevelEnabled("debug")).toBe(true);
  await new Promise((done) => setImmediate(done));
  expect(lines).toMatchObject([
    { level: 40, msgid: "m1", command: "report", msg: "card not drawn" },
    { level: 30, msgid: "m1", msg: "repeated message, same reply" },
    { level: 20, msgid: "m1", part: 2, msg: "deeper" },
  ]);
});
