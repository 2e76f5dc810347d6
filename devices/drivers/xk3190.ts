// Yaohua XK3190 indicators, continuous output (devices.md §4.1 format 0, §4.2 "=" formats 1 and 2;
// the indicator's tF setting). No motion flag: stability is the window rule of §4.6. The
// indicator streams by itself, so the driver sends nothing.
import { createXk3190Decoder, type Xk3190Format, type Xk3190Frame } from '../xk3190/protocol.js';
import { fromXk3190 } from '../scale/readings.js';
import { toKg, WeighbridgeDriver, type WeighbridgeOptions } from './weighbridge.js';

export interface Xk3190DriverOptions extends WeighbridgeOptions {
  /** Continuous format (default 0). */
  format?: Xk3190Format;
  /**
   * What the indicator displays (default kg). The frame carries no unit (§4.1): an indicator set
   * to tonnes sends 15.60 for 15,600 kg. Readings are turned into kg before the stability rule,
   * whose division and minimum load stay in kg.
   */
  unit?: 'kg' | 't';
}

export class Xk3190Driver extends WeighbridgeDriver<Xk3190Frame> {
  private readonly unit: 'kg' | 't';

  constructor(o: Xk3190DriverOptions) {
    const format = o.format ?? 0;
    if (o.unit !== undefined && o.unit !== 'kg' && o.unit !== 't') throw new RangeError(`unit must be kg or t, not ${JSON.stringify(o.unit)}`);
    super(o, 'xk3190', () => createXk3190Decoder({ format }));
    this.unit = o.unit ?? 'kg';
  }

  protected frame(f: Xk3190Frame): void {
    const r = fromXk3190(f, this.clock());
    this.weigh(this.unit === 't' ? { ...r, weight: toKg(f.weight, 't') } : r);
  }
}
