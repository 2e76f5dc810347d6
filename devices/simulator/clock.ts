// Simulated time, compressed: at `speed` 60 a simulated minute passes in a real second. The day
// starts at 08:00 China Standard Time; progress lines show the simulated clock. And the one
// resource lock the day needs: one truck on a weighbridge, one truck at a loading bay.

/** Resolves after `ms`, or rejects once `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((ok, ko) => {
    if (signal?.aborted) return ko(new Error('the simulation was stopped'));
    const stop = () => {
      clearTimeout(timer);
      ko(new Error('the simulation was stopped'));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', stop);
      ok();
    }, ms);
    signal?.addEventListener('abort', stop, { once: true });
  });
}

export class SimClock {
  private readonly t0 = Date.now();
  constructor(
    readonly speed: number,
    /** Aborting rejects every wait, so a stopped day unwinds at once. */
    private readonly signal?: AbortSignal,
  ) {
    if (!Number.isFinite(speed) || speed <= 0 || speed > 100_000) throw new Error(`--speed must be a number above 0 and at most 100000, got ${speed}`);
  }

  /** Simulated seconds since the start of the day. */
  now(): number {
    return ((Date.now() - this.t0) * this.speed) / 1000;
  }

  /** Wait until simulated second `t` (at once if it has passed). */
  until(t: number): Promise<void> {
    const ms = this.t0 + (t * 1000) / this.speed - Date.now();
    return sleep(Math.max(0, ms), this.signal);
  }

  /** Wait `seconds` of simulated time. */
  pause(seconds: number): Promise<void> {
    return this.until(this.now() + seconds);
  }

  /** "09:41", the simulated time of day. */
  stamp(): string {
    const s = Math.floor(8 * 3600 + this.now());
    return `${String(Math.floor(s / 3600) % 24).padStart(2, '0')}:${String(Math.floor(s / 60) % 60).padStart(2, '0')}`;
  }
}

/** A FIFO lock per name: `hold(name, fn)` runs fn once every earlier holder of that name is done. */
export class Locks {
  private readonly tails = new Map<string, Promise<unknown>>();

  async hold<T>(name: string, fn: () => Promise<T>): Promise<T> {
    const before = this.tails.get(name) ?? Promise.resolve();
    const run = before.then(fn, fn);
    this.tails.set(name, run.catch(() => {}));
    return run;
  }
}
