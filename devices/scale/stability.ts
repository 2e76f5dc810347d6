// Deciding when a weighing is stable (devices.md §4.6). Pure and deterministic: readings carry
// the caller's timestamps, nothing here reads a clock or does I/O.
//
// - Flag path: a reading that carries the indicator's motion flag (Toledo SWB bit 3, MT-SICS
//   `S S` / `S D`) is stable exactly when the flag says so; one such reading is the evidence.
// - Window path: readings without a flag (Yaohua format 0 and the "=" formats) are stable once
//   at least `count` consecutive readings, spanning at least `spanMs`, all lie within `band`
//   divisions of one another (max - min <= band × division).
// Either way the load must reach `minLoad` divisions, and out-of-range readings (SWB bit 2,
// `S +` / `S -`) break the run. After an event, further stable values within `band` of it are
// the same resting load and yield nothing, until the value moves beyond the band or the bridge
// is unloaded (a reading below `minLoad`).
import { createHash } from 'node:crypto';
import { compareDecimal, distance, parseDecimal, times, type Decimal } from './decimal.js';

export interface ScaleReading {
  /** Milliseconds on the caller's clock (a monotonic one is best). */
  at: number;
  /** Signed exact decimal; absent for answers without a weight (MT-SICS `S +`). */
  weight?: string;
  unit?: string;
  /** The indicator's motion flag; absent when the protocol has none. */
  motion?: boolean;
  /** Over capacity / under range: never accepted. */
  outOfRange?: boolean;
  /** The indicator's own increment when the frame states it (Toledo SWA); else options.division. */
  division?: string;
  /** The frame behind the reading, exactly as received. */
  raw: Uint8Array;
}

export interface StabilityOptions {
  /** One scale division (graduation) in the readings' unit. Default "20": §4.6's 60 t / 20 kg bridge. */
  division: string;
  /** Allowed spread of a stable window, in divisions. Default 1 (§4.6: ±1–2 divisions, its example uses 1). */
  band: number;
  /** N: readings in a stable window. Default 5 (§4.6). */
  count: number;
  /** T: time the window must span, in ms. Default 2000 (§4.6). */
  spanMs: number;
  /** Minimum load, in divisions; lighter (or negative) readings mean an empty bridge. Default 20 (§4.6). */
  minLoad: number;
}

export const DEFAULT_STABILITY: Readonly<StabilityOptions> = {
  division: '20',
  band: 1,
  count: 5,
  spanMs: 2000,
  minLoad: 20,
};

export interface StableWeighing {
  /** The frozen weight: the indicator's value on the flag path, the window's median on the window path. */
  weight: string;
  unit?: string;
  method: 'flag' | 'window';
  /** Timestamp of the first and of the last (accepting) reading behind the event. */
  from: number;
  at: number;
  /** The raw frames behind the event, in order. */
  frames: Uint8Array[];
  /** SHA-256 (hex) of `frames` concatenated. */
  sha256: string;
}

interface Held {
  reading: ScaleReading;
  value: Decimal;
}

export interface StabilityDetector {
  /** Feed the next reading; get the stable weighing it completes, if any. */
  push(reading: ScaleReading): StableWeighing | undefined;
}

export function createStabilityDetector(options: Partial<StabilityOptions> = {}): StabilityDetector {
  const opts = { ...DEFAULT_STABILITY, ...options };
  const defaultDivision = parseDecimal(opts.division);
  if (!defaultDivision || defaultDivision.units <= 0n) throw new RangeError(`division ${opts.division} is not a positive decimal`);
  for (const k of ['band', 'count', 'spanMs', 'minLoad'] as const) {
    if (!Number.isInteger(opts[k]) || opts[k] < 0) throw new RangeError(`${k} must be a non-negative integer`);
  }
  if (opts.count < 1) throw new RangeError('count must be at least 1');

  let run: Held[] = [];
  let last: { value: Decimal; unit?: string } | undefined;

  const divisionOf = (r: ScaleReading) => {
    const d = r.division === undefined ? undefined : parseDecimal(r.division);
    return d && d.units > 0n ? d : defaultDivision;
  };

  const settle = (held: Held[], frozen: Held, method: StableWeighing['method'], band: Decimal) => {
    const { unit } = frozen.reading;
    if (last && last.unit === unit && compareDecimal(distance(frozen.value, last.value), band) <= 0) return undefined;
    last = { value: frozen.value, unit };
    const frames = held.map((h) => new Uint8Array(h.reading.raw));
    const hash = createHash('sha256');
    for (const f of frames) hash.update(f);
    return {
      weight: frozen.reading.weight!,
      ...(unit === undefined ? {} : { unit }),
      method,
      from: held[0]!.reading.at,
      at: held[held.length - 1]!.reading.at,
      frames,
      sha256: hash.digest('hex'),
    } satisfies StableWeighing;
  };

  return {
    push(reading) {
      const value = reading.weight === undefined ? undefined : parseDecimal(reading.weight);
      if (!value || reading.outOfRange) {
        run = [];
        return undefined;
      }
      const division = divisionOf(reading);
      const band = times(division, opts.band);
      if (compareDecimal(value, times(division, opts.minLoad)) < 0) {
        run = [];
        last = undefined;
        return undefined;
      }
      const held = { reading, value };
      if (reading.motion !== undefined) {
        run = [];
        return reading.motion ? undefined : settle([held], held, 'flag', band);
      }
      if (run.length > 0 && run[0]!.reading.unit !== reading.unit) run = [];
      run.push(held);
      // Keep the longest tail of readings whose spread fits the band.
      for (let s = spread(run); compareDecimal(s, band) > 0; s = spread(run)) run.shift();
      if (run.length < opts.count || reading.at - run[0]!.reading.at < opts.spanMs) return undefined;
      const window = run;
      run = [];
      const sorted = [...window].sort((a, b) => compareDecimal(a.value, b.value));
      return settle(window, sorted[Math.floor((sorted.length - 1) / 2)]!, 'window', band);
    },
  };
}

/** max - min of a non-empty run. */
function spread(run: Held[]): Decimal {
  let lo = run[0]!.value;
  let hi = lo;
  for (const h of run) {
    if (compareDecimal(h.value, lo) < 0) lo = h.value;
    if (compareDecimal(h.value, hi) > 0) hi = h.value;
  }
  return distance(hi, lo);
}

/** Runs a fresh detector over a whole sequence of readings. */
export function stableWeighings(readings: Iterable<ScaleReading>, options: Partial<StabilityOptions> = {}): StableWeighing[] {
  const detector = createStabilityDetector(options);
  const out: StableWeighing[] = [];
  for (const r of readings) {
    const event = detector.push(r);
    if (event) out.push(event);
  }
  return out;
}
