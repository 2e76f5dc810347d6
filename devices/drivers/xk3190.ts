// Yaohua XK3190 indicators, continuous output (devices.md §4.1 format 0, §4.2 "=" formats 1 and 2;
// the indicator's tF setting). No motion flag: stability is the window rule of §4.6. The
// indicator streams by itself, so the driver sends nothing.
import { createXk3190Decoder, type Xk3190Format, type Xk3190Frame } from '../xk3190/protocol.js';
import { fromXk3190 } from '../scale/readings.js';
import { WeighbridgeDriver, type WeighbridgeOptions } from './weighbridge.js';

export interface Xk3190DriverOptions extends WeighbridgeOptions {
  /** Continuous format (default 0). */
  format?: Xk3190Format;
}

export class Xk3190Driver extends WeighbridgeDriver<Xk3190Frame> {
  constructor(o: Xk3190DriverOptions) {
    const format = o.format ?? 0;
    super(o, 'xk3190', () => createXk3190Decoder({ format }));
  }

  protected frame(f: Xk3190Frame): void {
    this.weigh(fromXk3190(f, this.clock()));
  }
}
