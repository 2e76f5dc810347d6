// The simulator's pure parts: the day drawn from a seed (the same seed, the same day; faults
// where they can be found), its command line refusing what it cannot run with a clear message,
// and the emulators' frames read back by the gateway's own codecs — the garbage reader's junk
// and bad checksum skipped without losing the tag behind them.
import { describe, expect, it } from 'vitest';
import { FrameError } from '../../devices/codec.js';
import { R2000Decoder } from '../../devices/r2000/protocol.js';
import { createToledoDecoder } from '../../devices/toledo/protocol.js';
import { createXk3190Decoder } from '../../devices/xk3190/protocol.js';
import { dahuaBody, hikvisionXml } from '../../devices/simulator/emulators/cameras.js';
import { r2000Garbage, r2000RoundEnd, r2000TagFrame } from '../../devices/simulator/emulators/readers.js';
import { indicatorFrame } from '../../devices/simulator/emulators/weighbridge.js';
import { simulateOptions } from '../../devices/simulator/main.js';
import { FAULTS, parseFaults, planDay } from '../../devices/simulator/plan.js';
import { expectedEntries } from '../../devices/simulator/summary.js';
import { parseDahua, parseHikvision } from '../../server/cameras/anpr.js';
import { Rng } from '../../server/seeded-random.js';
import { encodeGrai96 } from '../../server/units/identifiers/epc.js';

const all = new Set(FAULTS);
const day = (seed: number, manifests = 4, unitsPerManifest = 5, faults = all) => planDay({ seed, manifests, unitsPerManifest, faults });

describe('the day plan', () => {
  it('is the same for the same seed and another for another', () => {
    expect(JSON.stringify(day(42))).toBe(JSON.stringify(day(42)));
    expect(JSON.stringify(day(43))).not.toBe(JSON.stringify(day(42)));
  });

  it('plants each fault once where it can be found, and every manifest uses licensed receivers and every device', () => {
    const plan = day(7);
    expect(plan.expectedFindings.map((f) => f.code).sort()).toEqual(['PLATE_MISMATCH', 'UNIT_MISSING', 'WEIGHT_MISMATCH']);
    const units = plan.manifests.flatMap((m) => m.units);
    expect(units.filter((u) => u.leftBehind)).toHaveLength(1);
    expect(units.filter((u) => u.light)).toHaveLength(1);
    expect(units.some((u) => u.leftBehind && u.light)).toBe(false);
    const light = units.find((u) => u.light)!;
    expect((Number(light.receiptGrossKg) - Number(light.tareKg)) / Number(light.netKg)).toBeLessThan(0.61);
    expect(units.filter((u) => !u.light).every((u) => Math.abs(Number(u.receiptGrossKg) - Number(u.grossKg)) <= 0.35)).toBe(true);
    expect(plan.manifests.filter((m) => m.cameraPlate !== m.plate)).toHaveLength(1);
    // Both producers' readers, both receivers' cameras and weighbridges.
    expect(new Set(plan.manifests.map((m) => `${m.producer.orgId}→${m.receiver.orgId}`))).toEqual(new Set(['org-hengkang→org-dongxin', 'org-ruitai→org-lvxun', 'org-hengkang→org-lvxun', 'org-ruitai→org-dongxin']));
    expect(units.every((u) => u.filledAt > 0) && plan.manifests.every((m) => m.truckAt > m.signedAt && m.signedAt > m.units.at(-1)!.filledAt)).toBe(true);
  });

  it('plants nothing unless asked, and expects nothing then', () => {
    const plan = day(7, 3, 2, new Set());
    expect(plan.expectedFindings).toEqual([]);
    expect(plan.manifests.flatMap((m) => m.units).some((u) => u.leftBehind || u.light)).toBe(false);
    expect(expectedEntries(plan)).toMatchObject({ 'unit.registered': 6, 'unit.loaded': 6, 'vehicle.weighed': 6, 'manifest.closed': 3 });
    expect(expectedEntries(plan)['finding.raised']).toBeUndefined();
  });
});

describe('the command line', () => {
  const opts = (...argv: string[]) => simulateOptions(argv, 8080, () => {});

  it('takes its flags with defaults, --name value or --name=value', () => {
    expect(opts()).toMatchObject({ server: 'http://127.0.0.1:8080', manifests: 2, unitsPerManifest: 4, speed: 60, seed: 1, faults: new Set() });
    expect(opts('--server=http://10.0.0.5:9000/', '--manifests', '3', '--fault', 'wrong-plate,light-drum', '--speed=600')).toMatchObject({ server: 'http://10.0.0.5:9000', manifests: 3, speed: 600, faults: new Set(['wrong-plate', 'light-drum']) });
    expect(opts('--fault', 'all').faults).toEqual(all);
  });

  it('refuses what it cannot run, saying why', () => {
    expect(() => opts('--manifests', '0')).toThrow(/--manifests must be an integer 1 … 200, got 0/);
    expect(() => opts('--units-per-manifest', 'many')).toThrow(/--units-per-manifest must be a number/);
    expect(() => opts('--units-per-manifest', '1', '--fault', 'drum-left-behind')).toThrow(/drum-left-behind needs --units-per-manifest of 2 or more/);
    expect(() => opts('--fault', 'flat-tyre')).toThrow(/unknown fault "flat-tyre": one of drum-left-behind, light-drum, wrong-plate, garbage-reader or all/);
    expect(() => opts('--speed', '0')).toThrow(/--speed must be above 0/);
    expect(() => opts('--seed', '99999999999')).toThrow(/--seed must be an integer/);
    expect(() => opts('--server', 'ftp://x')).toThrow(/--server must be a base URL/);
    expect(() => opts('--frobnicate')).toThrow(/unknown argument "--frobnicate"/);
    expect(() => opts('--manifests')).toThrow(/--manifests needs a value/);
    expect(() => parseFaults('all,light-drum')).toThrow(/unknown fault "all"/);
  });
});

describe('the emulators\' frames, read by the gateway\'s codecs', () => {
  const epc = encodeGrai96({ companyPrefix: '6901234', assetType: '00017', serial: 1234567 });

  it('R2000: a tag and the round end come through the garbage reader\'s junk and bad checksum', () => {
    const { junk, badFrame } = r2000Garbage(new Rng(3));
    expect(junk.includes(0xa0)).toBe(false);
    const out = new R2000Decoder().push(Buffer.concat([junk, badFrame, r2000TagFrame({ epc, antenna: 2, rssiDbm: -55 }, 7), r2000RoundEnd(1)]));
    expect(out.filter((f) => f instanceof FrameError).map((f) => (f as FrameError).code)).toEqual(['JUNK', 'BAD_CHECKSUM']);
    expect(out.filter((f) => !(f instanceof FrameError))).toMatchObject([{ kind: 'tag', epc, antenna: 2, rssiDbm: -55, freqIndex: 7 }, { kind: 'roundEnd', totalRead: 1 }]);
  });

  it('weighbridges: XK3190 format 0 and Toledo with its motion bit, on the 20 kg division', () => {
    expect(createXk3190Decoder().push(indicatorFrame('xk3190', 9365, false))).toMatchObject([{ weight: '9360' }]);
    expect(createToledoDecoder().push(Buffer.concat([indicatorFrame('toledo', 3482, true), indicatorFrame('toledo', 3480, false)]))).toMatchObject([
      { weight: '3480', motion: true, unit: 'kg', division: '20' },
      { weight: '3480', motion: false },
    ]);
  });

  it('cameras: the pushes parse as the server reads them', () => {
    const at = new Date('2026-11-28T02:41:07.123Z');
    expect(parseHikvision(hikvisionXml({ plate: '浙JC0916', way: 'in', at }, 'u-1'), [])).toMatchObject({ plate: '浙JC0916', at: at.toISOString(), direction: { way: 'in' }, eventKey: 'u-1' });
    expect(parseDahua(dahuaBody('dev-lvxun-cam', { plate: '浙JD27316', way: 'out', at }))).toMatchObject({ plate: '浙JD27316', at: at.toISOString(), direction: { way: 'out' }, deviceId: 'dev-lvxun-cam', pictures: [expect.any(Buffer)] });
  });
});
