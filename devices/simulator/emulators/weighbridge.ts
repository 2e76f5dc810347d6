// A weighbridge indicator streaming continuous output (devices.md §4, §7.4 "truck profile"): a
// frame every `frameMs`, always, as an indicator does; a truck driving on ramps up in motion,
// rocks ±2 divisions, settles and rests until it drives off, and the bridge reads zero again.
// Yaohua XK3190 format 0 carries no motion flag (the gateway's window rule decides, §4.6); the
// Toledo persona sets SWB's motion bit while the load moves (§4.4).
import { encodeToledo } from '../../toledo/protocol.js';
import { encodeFormat0 } from '../../xk3190/protocol.js';
import type { DeviceLink } from './links.js';

export type IndicatorProtocol = 'xk3190' | 'toledo';

/** One scale division, kg: every shown weight is a multiple of it. */
export const DIVISION_KG = 20;

export function indicatorFrame(protocol: IndicatorProtocol, kg: number, motion: boolean): Uint8Array {
  const weight = String(Math.round(kg / DIVISION_KG) * DIVISION_KG);
  if (protocol === 'xk3190') return encodeFormat0(weight);
  // Point code 1 (XXXXX0) with a ×2 increment: a 20 kg division, in kg.
  return encodeToledo({ pointCode: 1, increment: 2, net: false, outOfRange: false, motion, unit: 'kg', powerUpNotZeroed: false, printRequest: false, expanded: false, weight });
}

/** What the indicator shows, frame by frame, as a truck drives on from `fromKg` and rocks to rest at `kg`: [kg, in motion]. */
export function truckProfile(fromKg: number, kg: number): [number, boolean][] {
  const ramp = [0.2, 0.45, 0.7, 0.9, 1.02].map((f): [number, boolean] => [fromKg + (kg - fromKg) * f, true]);
  const rock = [2, -2, 1, -1].map((d): [number, boolean] => [kg + d * DIVISION_KG, true]);
  return [...ramp, ...rock];
}

export interface Weighbridge {
  /** A truck drives on and comes to rest at `kg` (rounded to the division). */
  driveOn(kg: number): void;
  /** It drives off: down to zero. */
  driveOff(): void;
  readonly shownKg: number;
  readonly framesSent: number;
  stop(): void;
}

export function weighbridge(link: DeviceLink, protocol: IndicatorProtocol, frameMs: number): Weighbridge {
  /** Frames still to play before the resting value: [kg, in motion]. */
  let queue: [number, boolean][] = [];
  let rest = 0;
  let framesSent = 0;
  const timer = setInterval(() => {
    const [kg, motion] = queue.shift() ?? [rest, false];
    link.write(indicatorFrame(protocol, kg, motion));
    framesSent++;
  }, frameMs);
  const from = () => queue.at(-1)?.[0] ?? rest;
  return {
    driveOn(kg) {
      queue.push(...truckProfile(from(), kg));
      rest = kg;
    },
    driveOff() {
      const start = from();
      queue.push(...[0.6, 0.25, 0.05].map((f): [number, boolean] => [start * f, true]));
      rest = 0;
    },
    get shownKg() {
      return Math.round(rest / DIVISION_KG) * DIVISION_KG;
    },
    get framesSent() {
      return framesSent;
    },
    stop() {
      clearInterval(timer);
      queue = [];
    },
  };
}
