// The stability rule (devices.md §4.6): the window path on Yaohua frames (a truck driving on,
// oscillating, settling, standing, leaving), the motion-flag path on Toledo and MT-SICS, one
// event per resting load, and the hash over exactly the frames behind an event.
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FrameError } from '../../devices/codec.js';
import { createMtSicsDecoder, encodeReply, type MtSicsReplyFields } from '../../devices/mtsics/protocol.js';
import { fromMtSics, fromToledo, fromXk3190 } from '../../devices/scale/readings.js';
import {
  DEFAULT_STABILITY,
  createStabilityDetector,
  stableWeighings,
  type ScaleReading,
  type StableWeighing,
} from '../../devices/scale/stability.js';
import {
  createToledoDecoder,
  decodeToledo,
  encodeToledo,
  type ToledoFields,
  type ToledoFrame,
} from '../../devices/toledo/protocol.js';
import { createXk3190Decoder, encodeFormat0, type Xk3190Frame } from '../../devices/xk3190/protocol.js';

const bytes = (hexText: string) => Uint8Array.from(Buffer.from(hexText.replace(/\s+/g, ''), 'hex'));
const sha256 = (frames: Uint8Array[]) => createHash('sha256').update(Buffer.concat(frames)).digest('hex');
const RUNS = { seed: 20261128, numRuns: 500 };

/** Weights shown by a Yaohua indicator every `stepMs`, through the real stream decoder. */
function yaohua(weights: (string | number)[], stepMs = 100, start = 0): ScaleReading[] {
  const decoder = createXk3190Decoder();
  return weights.map((w, i) => {
    const [frame] = decoder.push(encodeFormat0(String(w)));
    return fromXk3190(frame as Xk3190Frame, start + i * stepMs);
  });
}
const repeat = <T>(n: number, f: (i: number) => T) => Array.from({ length: n }, (_, i) => f(i));
const weights = (events: StableWeighing[]) => events.map((e) => e.weight);

describe('window path: Yaohua readings without a motion flag', () => {
  it('reproduces the §4.6 settle curve: accepted at the 7th reading, frozen once', () => {
    const curve = [15500, 15580, 15620, 15600, 15600, 15600, 15620, 15600, 15600];
    const readings = yaohua(curve, 500);
    const detector = createStabilityDetector();
    const results = readings.map((r) => detector.push(r));
    expect(results.map((e) => e !== undefined)).toEqual([false, false, false, false, false, false, true, false, false]);
    const event = results[6]!;
    expect(event).toMatchObject({ weight: '15600', unit: 'kg', method: 'window', from: 1000, at: 3000 });
    // The frames behind it are readings 3..7 exactly, and the hash covers exactly those.
    expect(event.frames).toEqual(readings.slice(2, 7).map((r) => r.raw));
    expect(event.sha256).toBe(sha256(readings.slice(2, 7).map((r) => r.raw)));
    expect(event.sha256).not.toBe(sha256(readings.slice(1, 7).map((r) => r.raw)));
    expect(event.sha256).not.toBe(sha256(readings.slice(2, 8).map((r) => r.raw)));
  });

  it('a truck drives on, oscillates, settles, stands, leaves: one weighing', () => {
    const truck = [
      ...repeat(10, () => 0), // empty bridge
      ...repeat(30, (i) => Math.round((15600 * (i + 1)) / 30 / 20) * 20), // driving on, rising
      ...repeat(30, (i) => 15600 + [-40, 0, 40, 0][i % 4]!), // ±2 divisions for 3 s
      ...repeat(600, (i) => (i % 7 === 3 || i % 11 === 5 ? 15620 : 15600)), // settled, standing 60 s
      ...repeat(30, (i) => Math.round((15600 * (29 - i)) / 30 / 20) * 20), // leaving
      ...repeat(10, () => 0),
    ];
    const readings = yaohua(truck);
    const events = stableWeighings(readings);
    expect(events).toHaveLength(1);
    const [event] = events;
    expect(event!.weight).toBe('15600');
    expect(event!.at - event!.from).toBeGreaterThanOrEqual(DEFAULT_STABILITY.spanMs);
    expect(event!.from).toBeGreaterThan(68 * 100); // after the oscillation's last out-of-band reading
    const first = readings.findIndex((r) => r.at === event!.from);
    const window = readings.slice(first, first + event!.frames.length);
    expect(event!.frames).toEqual(window.map((r) => r.raw));
    expect(window.at(-1)!.at).toBe(event!.at);
    expect(event!.sha256).toBe(sha256(window.map((r) => r.raw)));
  });

  it('re-arms when the bridge is unloaded: the next truck of the same weight is weighed', () => {
    const visit = [...repeat(40, () => 15600), ...repeat(5, () => 0)];
    expect(weights(stableWeighings(yaohua([...visit, ...visit, ...visit])))).toEqual(['15600', '15600', '15600']);
  });

  it('a change beyond the band is a new weighing (the §4.1 truck and truck + man captures)', () => {
    const truck = bytes('02 2B 30 30 31 35 36 30 30 31 39 03');
    const truckAndMan = bytes('02 2B 30 30 31 36 35 30 30 31 39 03');
    const decoder = createXk3190Decoder();
    const stream = [...repeat(30, () => truck), ...repeat(30, () => truckAndMan), ...repeat(30, () => truck)];
    const readings = stream.map((f, i) => fromXk3190(decoder.push(f)[0] as Xk3190Frame, i * 100));
    const events = stableWeighings(readings);
    expect(weights(events)).toEqual(['1560', '1650', '1560']);
    expect(events[1]!.frames.every((f) => Buffer.from(f).equals(truckAndMan))).toBe(true);
  });

  it('noise within the band never re-triggers (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom(15600, 15620), { minLength: 21, maxLength: 400 }),
        fc.array(fc.integer({ min: 50, max: 150 }), { minLength: 400, maxLength: 400 }),
        (noise, gaps) => {
          let t = 0;
          const readings = yaohua(noise).map((r, i) => ({ ...r, at: (t += gaps[i]!) }));
          const events = stableWeighings(readings);
          const span = readings.at(-1)!.at - readings[0]!.at;
          expect(events.length).toBe(span >= 2000 ? 1 : 0);
        },
      ),
      RUNS,
    );
  });

  it('oscillation wider than the band, an empty bridge, or too short a window: nothing', () => {
    expect(stableWeighings(yaohua(repeat(300, (i) => 15600 + (i % 2 ? 20 : -20))))).toEqual([]);
    expect(stableWeighings(yaohua(repeat(300, () => 380)))).toEqual([]); // below 20 divisions
    expect(stableWeighings(yaohua(repeat(300, () => -15600)))).toEqual([]);
    expect(stableWeighings(yaohua(repeat(19, () => 15600)))).toEqual([]); // 1.8 s at 10 Hz
    expect(stableWeighings(yaohua(repeat(21, () => 15600)))).toHaveLength(1);
  });

  it('keeps decimal weights exact, with parameters stated in divisions', () => {
    const events = stableWeighings(yaohua(repeat(10, (i) => (i % 2 ? '1234.5' : '1235.0')), 500), {
      division: '0.5',
      count: 5,
      spanMs: 2000,
    });
    expect(weights(events)).toEqual(['1235.0']); // the median of 1235.0 ×3 and 1234.5 ×2, decimals kept
    expect(stableWeighings(yaohua(repeat(10, () => '0.40'), 500), { division: '0.02' })).toHaveLength(1);
    expect(stableWeighings(yaohua(repeat(10, () => '0.38'), 500), { division: '0.02' })).toHaveLength(0);
  });

  it('refuses nonsense parameters', () => {
    expect(() => createStabilityDetector({ division: '0' })).toThrow(RangeError);
    expect(() => createStabilityDetector({ division: 'twenty' })).toThrow(RangeError);
    expect(() => createStabilityDetector({ count: 0 })).toThrow(RangeError);
    expect(() => createStabilityDetector({ spanMs: -1 })).toThrow(RangeError);
    expect(() => createStabilityDetector({ band: 1.5 })).toThrow(RangeError);
  });
});

describe('flag path: the indicator says when it is stable', () => {
  const STABLE = bytes('02 2A 30 20 30 31 35 36 30 30 30 30 30 30 30 30 0D 2B');
  const MOTION = bytes('02 2A 38 20 30 31 35 36 32 30 30 30 30 30 30 30 0D 21');
  const base: ToledoFields = decodeToledo(STABLE);
  const toledo = (frames: Uint8Array[], stepMs = 100) => {
    const decoder = createToledoDecoder();
    return frames.map((f, i) => fromToledo(decoder.push(f)[0] as ToledoFrame, i * stepMs));
  };

  it('Toledo: motion frames yield nothing; the first stable frame is the weighing, once', () => {
    const rising = repeat(20, (i) => encodeToledo({ ...base, weight: String(800 * (i + 1)), motion: true }));
    const stream = [...rising, MOTION, STABLE, ...repeat(50, () => STABLE), MOTION];
    const events = stableWeighings(toledo(stream));
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ weight: '15600', unit: 'kg', method: 'flag', from: 2100, at: 2100 });
    expect(events[0]!.frames).toEqual([STABLE]);
    expect(events[0]!.sha256).toBe(createHash('sha256').update(STABLE).digest('hex'));
  });

  it('Toledo: stable jitter within the band is the same load; beyond it is a new one', () => {
    const at = (weight: string) => encodeToledo({ ...base, weight, motion: false });
    // The frame's own increment (×1 kg, SWA) is the division on this path.
    const events = stableWeighings(toledo([at('15600'), at('15601'), at('15599'), at('15600'), at('15700'), at('15700')]));
    expect(weights(events)).toEqual(['15600', '15700']);
  });

  it('Toledo: out-of-range and negative frames are never accepted', () => {
    const over = encodeToledo({ ...base, weight: '99999', outOfRange: true });
    const negative = encodeToledo({ ...base, weight: '-15600' });
    expect(stableWeighings(toledo([over, over, negative, negative]))).toEqual([]);
  });

  it('MT-SICS: S D is motion, S S is stable, S + is out of range', () => {
    const lines: MtSicsReplyFields[] = [
      { kind: 'weight', id: 'S', stable: false, weight: '15620', unit: 'kg' },
      { kind: 'status', id: 'S', status: '+', args: [] },
      { kind: 'weight', id: 'S', stable: true, weight: '15600', unit: 'kg' },
      { kind: 'weight', id: 'S', stable: true, weight: '15620', unit: 'kg' },
      { kind: 'status', id: 'Z', status: 'A', args: [] },
    ];
    const decoder = createMtSicsDecoder();
    const replies = decoder.push(Buffer.concat(lines.map((l) => encodeReply(l))));
    expect(replies.some((r) => r instanceof FrameError)).toBe(false);
    const readings = replies.flatMap((r, i) => (r instanceof FrameError ? [] : (fromMtSics(r, i * 200) ?? [])));
    expect(readings.map((r) => [r.motion, r.outOfRange])).toEqual([[true, undefined], [undefined, true], [false, undefined], [false, undefined]]);
    const events = stableWeighings(readings);
    expect(events).toMatchObject([{ weight: '15600', method: 'flag', at: 400 }]);
    expect(events[0]!.sha256).toBe(sha256([encodeReply(lines[2]!)]));
  });
});
