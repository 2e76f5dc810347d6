// Frames from each indicator protocol as readings for the stability rule (stability.ts).
import type { MtSicsReply } from '../mtsics/protocol.js';
import type { ToledoFrame } from '../toledo/protocol.js';
import type { Xk3190Frame } from '../xk3190/protocol.js';
import type { ScaleReading } from './stability.js';

/** Yaohua frames have no motion flag, so they go down the window path (§4.1, §4.6). */
export const fromXk3190 = (frame: Xk3190Frame, at: number): ScaleReading => ({
  at,
  weight: frame.weight,
  unit: 'kg',
  raw: frame.raw,
});

/** Toledo: SWB bit 3 is the motion flag, bit 2 out of range; SWA gives the increment (§4.4). */
export const fromToledo = (frame: ToledoFrame, at: number): ScaleReading => ({
  at,
  weight: frame.weight,
  unit: frame.unit,
  motion: frame.motion,
  outOfRange: frame.outOfRange,
  ...(frame.division === undefined ? {} : { division: frame.division }),
  raw: frame.raw,
});

/**
 * MT-SICS weight replies `S S` (stable) / `S D` (dynamic) carry the flag; `S +` / `S -` are out
 * of range (§4.5). Other replies (acknowledgements, info, errors) are not readings.
 */
export function fromMtSics(reply: MtSicsReply, at: number): ScaleReading | undefined {
  if (reply.kind === 'weight' && reply.id === 'S') {
    return { at, weight: reply.weight, unit: reply.unit, motion: !reply.stable, raw: reply.raw };
  }
  if (reply.kind === 'status' && reply.id === 'S' && (reply.status === '+' || reply.status === '-')) {
    return { at, outOfRange: true, raw: reply.raw };
  }
  return undefined;
}
