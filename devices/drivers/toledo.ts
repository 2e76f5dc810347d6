// Mettler Toledo continuous output (devices.md §4.4): the indicator streams 17- or 18-byte frames
// by itself; SWB bit 3 (motion) and bit 2 (out of range) decide stability (§4.6 flag path).
// A frame showing net weight (SWB bit 0) is turned back into gross (net + tare) before the rule
// sees it: the reading is grossKg, and the server compares weighbridge weights as gross.
import { createToledoDecoder, type ToledoFrame } from '../toledo/protocol.js';
import { fromToledo } from '../scale/readings.js';
import { WeighbridgeDriver, addDecimal, type WeighbridgeOptions } from './weighbridge.js';

export interface ToledoDriverOptions extends WeighbridgeOptions {
  /** The indicator sends the checksum byte (18-byte frames; default true). */
  checksum?: boolean;
}

export class ToledoDriver extends WeighbridgeDriver<ToledoFrame> {
  constructor(o: ToledoDriverOptions) {
    const checksum = o.checksum ?? true;
    super(o, 'toledo', () => createToledoDecoder({ checksum }));
  }

  protected frame(f: ToledoFrame): void {
    const r = fromToledo(f, this.clock());
    if (f.net) {
      const gross = addDecimal(f.weight, f.tare);
      if (gross === undefined) return this.counters.refused(`net ${f.weight} and tare ${f.tare} do not add up`);
      r.weight = gross;
    }
    this.weigh(r);
  }
}
