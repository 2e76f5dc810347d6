// LLRP driver (devices.md §1.4) against a fake reader on loopback built from the codec's reader-side
// encoders: the connection handshake (ConnectionAttemptEvent success → DELETE_ROSPEC all,
// ADD_ROSPEC, ENABLE_ROSPEC, START_ROSPEC, each after the answer to the one before), KEEPALIVE
// answered with KEEPALIVE_ACK, tags from RO_ACCESS_REPORT (two messages in one TCP write, the
// llrpjs regression of §1.4), dedupe, a reader that drops the connection, and one that refuses.
import { createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { FrameError } from '../../devices/codec.js';
import {
  LlrpStreamDecoder,
  encodeKeepalive,
  encodeReaderEventNotification,
  encodeResponse,
  encodeRoAccessReport,
  type LlrpMessage,
  type ResponseName,
} from '../../devices/llrp/protocol.js';
import type { DriverReading } from '../../devices/drivers/driver.js';
import { LlrpDriver } from '../../devices/drivers/llrp.js';
import { decodeGrai96, encodeGrai96 } from '../../server/units/identifiers/epc.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const until = async (what: () => boolean, ms = 5000) => {
  for (const end = Date.now() + ms; Date.now() < end; await sleep(5)) if (what()) return;
  throw new Error('timed out');
};
const drum = (serial: number) => encodeGrai96({ companyPrefix: '6901234', assetType: '00017', serial });

interface FakeReader {
  port: number;
  server: Server;
  sockets: Socket[];
  /** Client messages received, per connection, in order. */
  received: LlrpMessage[][];
}

/**
 * A reader that greets each connection with ConnectionAttemptEvent Success and answers the
 * ROSpec commands; `refuse` names a command it answers with M_FieldError (101).
 */
async function fakeReader(refuse?: string): Promise<FakeReader> {
  const r: FakeReader = { port: 0, server: undefined as unknown as Server, sockets: [], received: [] };
  r.server = createServer((s) => {
    r.sockets.push(s);
    const mine: LlrpMessage[] = [];
    r.received.push(mine);
    s.on('error', () => {});
    const decoder = new LlrpStreamDecoder();
    s.write(encodeReaderEventNotification({ messageId: 0, utc: 1_700_000_000_000_000n, connectionAttempt: 0 }));
    s.on('data', (chunk) => {
      for (const m of decoder.push(chunk)) {
        if (m instanceof FrameError) throw m;
        mine.push(m);
        if (['DELETE_ROSPEC', 'ADD_ROSPEC', 'ENABLE_ROSPEC', 'START_ROSPEC'].includes(m.name)) {
          const status = m.name === refuse ? { code: 101, description: 'no such antenna' } : undefined;
          s.write(encodeResponse({ messageId: m.messageId, name: `${m.name}_RESPONSE` as ResponseName, status }));
        }
      }
    });
  });
  await new Promise<void>((ok) => r.server.listen(0, '127.0.0.1', ok));
  r.port = (r.server.address() as { port: number }).port;
  return r;
}

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function start(reader: FakeReader, readings: DriverReading[], clock?: () => number) {
  const driver = new LlrpDriver({ id: 'llrp-1', link: { type: 'tcp', host: '127.0.0.1', port: reader.port }, backoff: { startMs: 20, maxMs: 200 }, clock, onReading: (x) => readings.push(x) });
  driver.start();
  cleanups.push(() => new Promise((ok) => { for (const s of reader.sockets) s.destroy(); reader.server.close(ok); }));
  cleanups.push(() => driver.stop());
  return driver;
}

const names = (ms: LlrpMessage[]) => ms.map((m) => m.name);

describe('LLRP driver', () => {
  it('sets the reader up after the connection event, acknowledges keepalives, and reads tags from reports coalesced in one write', async () => {
    const reader = await fakeReader();
    const readings: DriverReading[] = [];
    const now = 0;
    const driver = start(reader, readings, () => now);
    await until(() => driver.state === 'reading');
    const first = reader.received[0]!;
    expect(names(first)).toEqual(['DELETE_ROSPEC', 'ADD_ROSPEC', 'ENABLE_ROSPEC', 'START_ROSPEC']);
    expect(first[0]).toMatchObject({ roSpecId: 0 }); // 0: every ROSpec on the reader
    expect(first[1]).toMatchObject({ roSpec: { roSpecId: 1, antennaIds: [0], startTrigger: 'null', report: { n: 1, content: { antennaId: true, peakRssi: true } } } });
    expect(first.slice(2)).toMatchObject([{ roSpecId: 1 }, { roSpecId: 1 }]);
    expect(new Set(first.map((m) => m.messageId)).size).toBe(4);

    const [a, b] = [drum(1), drum(2)];
    const s = reader.sockets[0]!;
    // A keepalive and two reports in one TCP write (§1.4: llrpjs read only the first).
    s.write(Buffer.concat([
      encodeKeepalive({ messageId: 77 }),
      encodeRoAccessReport({ messageId: 78, tags: [{ epc: a, antennaId: 1, peakRssi: -52 }, { epc: a, antennaId: 2, peakRssi: -60 }] }),
      encodeRoAccessReport({ messageId: 79, tags: [{ epc: b, antennaId: 2, peakRssi: -48 }, { epc: 'E20030988819007221403600', antennaId: 1 }] }),
    ]));
    await until(() => readings.length === 3);
    expect(readings.map((r) => [r.kind, r.data])).toEqual([
      ['tag', { epc: a, grai: decodeGrai96(a).grai, antenna: 1, rssi: -52 }],
      ['tag', { epc: b, grai: decodeGrai96(b).grai, antenna: 2, rssi: -48 }],
      ['tag', { epc: 'E20030988819007221403600', antenna: 1 }], // not a GRAI: no grai
    ]);
    await until(() => first.length === 5);
    expect(first[4]).toMatchObject({ name: 'KEEPALIVE_ACK', messageId: 77 });
    expect(driver.health()).toMatchObject({ protocol: 'llrp', link: 'up', frames: 8, readings: 3, duplicates: 1, errors: {} });
  });

  it('reconnects after the reader drops the connection and sets it up again', async () => {
    const reader = await fakeReader();
    const readings: DriverReading[] = [];
    const driver = start(reader, readings);
    await until(() => driver.state === 'reading');
    reader.sockets[0]!.destroy();
    await until(() => reader.received.length === 2 && driver.state === 'reading');
    expect(names(reader.received[1]!)).toEqual(['DELETE_ROSPEC', 'ADD_ROSPEC', 'ENABLE_ROSPEC', 'START_ROSPEC']);
    reader.sockets[1]!.write(encodeRoAccessReport({ messageId: 5, tags: [{ epc: drum(3), antennaId: 4 }] }));
    await until(() => readings.length === 1);
    expect(driver.health()).toMatchObject({ ups: 2, downs: 1, link: 'up' });
  });

  it('when the reader refuses ADD_ROSPEC, counts it, closes and tries again later, never reading', async () => {
    const reader = await fakeReader('ADD_ROSPEC');
    const driver = start(reader, []);
    await until(() => reader.received.length >= 3);
    expect(names(reader.received[0]!)).toEqual(['DELETE_ROSPEC', 'ADD_ROSPEC']);
    expect(driver.state).not.toBe('reading');
    expect(driver.health().deviceErrors).toBeGreaterThanOrEqual(2);
    expect(driver.health().lastProblem).toMatch(/ADD_ROSPEC|link down/);
  });

  it('survives garbage from the reader: counted, never thrown, and a good message after it is still read', async () => {
    const reader = await fakeReader();
    const readings: DriverReading[] = [];
    const driver = start(reader, readings);
    await until(() => driver.state === 'reading');
    const junk = Buffer.from(Array.from({ length: 300 }, (_, i) => (i * 31 + 7) & 0xff));
    reader.sockets[0]!.write(Buffer.concat([junk, encodeRoAccessReport({ messageId: 9, tags: [{ epc: drum(4), antennaId: 1 }] })]));
    // The codec hunts for the next plausible header after a bad length (devices/llrp/protocol.ts).
    await until(() => readings.length === 1);
    expect(driver.health()).toMatchObject({ link: 'up', errors: { BAD_LENGTH: 1 }, readings: 1 });
    expect(driver.health().lastProblem).toMatch(/^BAD_LENGTH/);
  });

  it('refuses to run over a serial port', () => {
    expect(() => new LlrpDriver({ id: 'x', link: { type: 'serial', path: '/dev/null', baudRate: 9600 }, onReading: () => {} })).toThrow(/TCP/);
  });
});
