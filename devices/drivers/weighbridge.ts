// Weighbridge indicators: codec frames → ScaleReadings (devices/scale/readings.ts) → the stability
// rule (devices/scale/stability.ts, devices.md §4.6) → one 'weight' reading per stable weighing:
//   { grossKg: "15600", unit: 'kg', stable: true, frames: 1, rawSha256: "<hex>" }
// grossKg is the exact decimal the indicator showed (never a float), converted to kg by shifting
// the point (g, t); rawSha256 is the SHA-256 the stability rule computed over the raw frames
// behind the weighing, so the sealed vehicle.weighed entry can be checked against the frame log.
// The rule sees readings stamped with the driver's monotonic clock. It is not restarted when the
// link drops: a truck resting on the bridge through a reconnect is still one weighing.
import { createStabilityDetector, type ScaleReading, type StabilityDetector, type StabilityOptions } from '../scale/stability.js';
import { atScale, digitsToDecimal, parseDecimal, type Decimal } from '../scale/decimal.js';
import type { StreamDecoder } from '../codec.js';
import { Driver, type DriverOptions } from './driver.js';

export interface WeighbridgeOptions extends DriverOptions {
  /** N, T, band, division, minimum load (§4.6); defaults: DEFAULT_STABILITY in stability.ts. */
  stability?: Partial<StabilityOptions>;
}

export function formatDecimal(d: Decimal): string {
  const neg = d.units < 0n;
  return digitsToDecimal((neg ? -d.units : d.units).toString(), d.scale, neg);
}

/** a + b, exactly. */
export function addDecimal(a: string, b: string): string | undefined {
  const x = parseDecimal(a);
  const y = parseDecimal(b);
  if (!x || !y) return undefined;
  const scale = Math.max(x.scale, y.scale);
  return formatDecimal({ units: atScale(x, scale) + atScale(y, scale), scale });
}

/**
 * The weight in kg, exactly: kg as is, g and t by moving the point. Pounds are refused rather
 * than multiplied out (a Chinese weighbridge shows kg or t; an lb display is a set-up mistake).
 */
export function toKg(weight: string, unit: string | undefined): string | undefined {
  const d = parseDecimal(weight);
  if (!d) return undefined;
  switch ((unit ?? 'kg').toLowerCase()) {
    case 'kg':
      return formatDecimal(d);
    case 'g':
      return formatDecimal({ units: d.units, scale: d.scale + 3 });
    case 't':
      return d.scale >= 3 ? formatDecimal({ units: d.units, scale: d.scale - 3 }) : formatDecimal({ units: d.units * 10n ** BigInt(3 - d.scale), scale: 0 });
    default:
      return undefined;
  }
}

export abstract class WeighbridgeDriver<F> extends Driver<F> {
  private readonly detector: StabilityDetector;

  constructor(o: WeighbridgeOptions, protocol: string, newDecoder: () => StreamDecoder<F>) {
    super(o, protocol, newDecoder);
    this.detector = createStabilityDetector(o.stability); // bad options throw here, at startup
  }

  /** Feed one reading to the stability rule; a stable weighing becomes a 'weight' reading. */
  protected weigh(r: ScaleReading | undefined): void {
    if (!r) return;
    const w = this.detector.push(r);
    if (!w) return;
    const grossKg = toKg(w.weight, w.unit);
    if (grossKg === undefined) {
      this.counters.refused(`stable weight ${w.weight} ${w.unit ?? ''} cannot be given in kg exactly`);
      this.logLimited('unit', `${this.o.id}: a stable weighing in ${w.unit} was not taken: set the indicator to kg or t`);
      return;
    }
    this.reading('weight', { grossKg, unit: 'kg', stable: true, frames: w.frames.length, rawSha256: w.sha256 });
  }
}
