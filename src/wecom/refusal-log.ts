import type { Logger } from "pino";

/**
 * Logs input refused at the edge (a forged callback, a frame that cannot be read) without
 * letting a flood flood the log: the first refusal of a reason at once, then one line a second
 * with how many more there were. `fields` say what was refused (a reason, a status, a length),
 * never what a user typed; each line carries those of the first refusal of its second.
 */
export function createRefusalLog(log: Pick<Logger, "warn">, { one, many }: { one: string; many: string }) {
  const open = new Map<string, { fields: Record<string, unknown>; count: number }>();
  return (reason: string, fields: Record<string, unknown>): void => {
    const window = open.get(reason);
    if (window) {
      window.count += 1;
      return;
    }
    log.warn(fields, one);
    open.set(reason, { fields, count: 0 });
    const timer = setTimeout(() => {
      const closed = open.get(reason);
      open.delete(reason);
      if (closed && closed.count > 0) log.warn({ ...closed.fields, count: closed.count }, many);
    }, 1000);
    timer.unref();
  };
}
