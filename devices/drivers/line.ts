// Line-oriented devices (devices.md §2): HF readers and QR scanners in virtual-COM mode, or any
// reader that prints one tag per line on a TCP port (the `tcp-line` source of `hazledger
// gateway`). Each line is a reading as before this driver existed: an EPC or a UID is a 'tag', a
// Digital Link URL or other text a 'code'. No dedupe: a person scanning a label twice means it.
// The silence timer flushes a line that never gets its terminator (a scanner set up without a
// suffix) after the quiet gap.
import { LineDecoder, type LineDecoderOptions, type LineFrame } from '../line/protocol.js';
import { Driver, type DriverOptions } from './driver.js';

export interface LineDriverOptions extends DriverOptions, LineDecoderOptions {}

/** What a line means as a reading. */
export function lineReading(f: LineFrame): { kind: 'tag' | 'code'; data: Record<string, unknown> } | undefined {
  if (f.kind === 'epc') return { kind: 'tag', data: { epc: f.epc, ...(f.grai ? { grai: f.grai.grai } : {}) } };
  if (f.kind === 'uid') return { kind: 'tag', data: { uid: f.uid } };
  if (f.kind === 'digitalLink') return { kind: 'code', data: { text: f.text } };
  return f.text ? { kind: 'code', data: { text: f.text } } : undefined;
}

export class LineDriver extends Driver<LineFrame> {
  constructor(o: LineDriverOptions) {
    const { maxLength, uidFormat, uidBytes } = o;
    super(o, 'line', () => new LineDecoder({ maxLength, uidFormat, uidBytes }));
  }

  protected frame(f: LineFrame): void {
    const r = lineReading(f);
    if (r) this.reading(r.kind, r.data);
  }
}
