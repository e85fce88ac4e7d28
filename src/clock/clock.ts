/** The one source of "now". Injected everywhere; only entry points create one. */
export interface Clock {
  now(): Date;
}

export interface ClockOptions {
  /** Where the clock starts (PINGAN_NOW); defaults to the real time. */
  start?: Date;
  /** How many clock seconds pass per real second (demo fast-forward). */
  speed?: number;
}

/** A clock that starts at `start` and runs on at `speed` × real time. */
export function createClock({ start, speed = 1 }: ClockOptions = {}): Clock {
  if (!start && speed === 1) return { now: () => new Date() };
  const realStart = Date.now();
  const origin = start ? start.getTime() : realStart;
  return { now: () => new Date(origin + (Date.now() - realStart) * speed) };
}

/** A clock for tests that only moves when told to. */
export function createManualClock(start: Date): Clock & { set(at: Date): void; advance(ms: number): void } {
  let at = start.getTime();
  return {
    now: () => new Date(at),
    set: (d) => {
      at = d.getTime();
    },
    advance: (ms) => {
      at += ms;
    },
  };
}
