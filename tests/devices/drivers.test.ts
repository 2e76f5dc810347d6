// Device drivers, part 1: the byte link (serial through SerialPortMock, devices.md §7.1; TCP on
// loopback) with its reconnect backoff, and the RFID readers: R2000 (§1.1) on a mock serial port
// and against a TCP reader simulator (§7.3), Chafon (§1.3), and line readers (§2). What the
// drivers write is checked on the mock's recording; junk never crashes a driver, it is counted.
import { createServer, type Server, type Socket } from 'node:net';
import { SerialPortMock } from 'serialport';
import { afterEach, describe, expect, it } from 'vitest';
import { hex } from '../../devices/codec.js';
import { encodeResponse as chafonResponse } from '../../devices/chafon/protocol.js';
import { R2000CommandDecoder, encodeFrame } from '../../devices/r2000/protocol.js';
import { ChafonDriver } from '../../devices/drivers/chafon.js';
import type { Driver, DriverReading } from '../../devices/drivers/driver.js';
import { LineDriver } from '../../devices/drivers/line.js';
import { R2000Driver } from '../../devices/drivers/r2000.js';
import { Backoff, DEFAULT_BACKOFF, Link, type PortFactory, type PortLike } from '../../devices/drivers/transport.js';
import { decodeGrai96, encodeGrai96 } from '../../server/units/identifiers/epc.js';

const graiOf = (epc: string) => decodeGrai96(epc).grai;

const MockBinding = SerialPortMock.binding; // never an ESM import of @serialport/binding-mock (§7.1)
const bytes = (s: string) => Buffer.from(s.replace(/\s+/g, ''), 'hex');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const until = async (what: () => boolean, ms = 5000) => {
  for (const end = Date.now() + ms; Date.now() < end; await sleep(5)) if (what()) return;
  throw new Error('timed out');
};

/** SerialPortMock as the driver's port factory, keeping each port made so a test can play the device. */
function mockPorts() {
  const made: SerialPortMock[] = [];
  const factory: PortFactory = (o) => {
    const p = new SerialPortMock(o);
    made.push(p);
    return p as unknown as PortLike;
  };
  return { factory, last: () => made[made.length - 1]!, made };
}

const drivers: Driver<unknown>[] = [];
const closers: (() => unknown)[] = [];
afterEach(async () => {
  await Promise.all(drivers.splice(0).map((d) => d.stop()));
  for (const c of closers.splice(0)) await c();
  MockBinding.reset();
});
function keep<D extends Driver<unknown>>(d: D): D {
  drivers.push(d);
  d.start();
  return d;
}

const listen = async (onSocket: (s: Socket) => void, port = 0): Promise<{ server: Server; port: number; sockets: Socket[] }> => {
  const sockets: Socket[] = [];
  const server = createServer((s) => {
    sockets.push(s);
    s.on('error', () => {});
    onSocket(s);
  });
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
  closers.push(() => new Promise((r) => { for (const s of sockets) s.destroy(); server.close(r); }));
  return { server, port: (server.address() as { port: number }).port, sockets };
};

// devices.md §1.1 samples: the GRAI-96 drum tag (antenna 1, −53 dBm) and an end of round.
const TAG = bytes('A0 13 01 89 0C 30 00 33 15 A5 37 C8 00 04 40 00 0F 42 41 4C 79');
const ROUND_END = bytes('A0 0A 01 89 00 00 1E 00 00 00 2A 84');
const TAG_EPC = '3315A537C8000440000F4241';

/** An R2000 0x89 tag answer for `epc` on antenna `ant` (1–4) at `rssi` dBm. */
const r2000Tag = (epc: string, ant = 1, rssi = -60) => encodeFrame(0x01, 0x89, [ant - 1, 0x30, 0x00, ...bytes(epc), rssi + 129]);

describe('the link', () => {
  it('backs off 250 ms, ×2, up to 10 s, and starts again after a reset', () => {
    expect(DEFAULT_BACKOFF).toEqual({ startMs: 250, factor: 2, maxMs: 10_000 });
    const b = new Backoff();
    expect(Array.from({ length: 8 }, () => b.next())).toEqual([250, 500, 1000, 2000, 4000, 8000, 10_000, 10_000]);
    b.reset();
    expect(b.next()).toBe(250);
  });

  it('keeps trying a TCP device that is not there yet, connects when it appears, and reconnects when it drops the link', async () => {
    const probe = await listen(() => {});
    const port = probe.port;
    await new Promise((r) => probe.server.close(r)); // a free port nobody listens on yet
    const link = new Link({ type: 'tcp', host: '127.0.0.1', port }, { backoff: { startMs: 20, maxMs: 80 } });
    const events: string[] = [];
    const chunks: string[] = [];
    link.on('up', () => events.push('up')).on('down', () => events.push('down')).on('error', (e) => events.push(`error:${(e as NodeJS.ErrnoException).code ?? e.message}`));
    link.on('data', (c) => chunks.push(Buffer.from(c).toString()));
    link.start();
    closers.push(() => link.close());
    await until(() => events.filter((e) => e === 'error:ECONNREFUSED').length >= 2);
    const device = await listen((s) => s.write('hello'), port);
    await until(() => chunks.includes('hello'));
    expect(link.up).toBe(true);
    device.sockets[0]!.destroy(); // the device drops the connection
    await until(() => chunks.filter((c) => c === 'hello').length === 2);
    expect(events.filter((e) => !e.startsWith('error'))).toEqual(['up', 'down', 'up']);
    expect(link.write(Buffer.from('x'))).toBe(true);
    await link.close();
    expect(link.up).toBe(false);
    const connections = device.sockets.length;
    await sleep(200);
    expect(device.sockets.length).toBe(connections); // closed for good: no reconnect
    expect(link.write(Buffer.from('x'))).toBe(false);
  });

  it('never throws out of its event handlers: a throwing listener becomes an error event and the stream goes on', async () => {
    const device = await listen((s) => {
      s.write('one');
      setTimeout(() => s.write('two'), 30);
    });
    const link = new Link({ type: 'tcp', host: '127.0.0.1', port: device.port });
    const seen: string[] = [];
    const errors: string[] = [];
    link.on('data', (c) => {
      seen.push(Buffer.from(c).toString());
      if (seen.length === 1) throw new Error('handler bug');
    });
    link.on('error', (e) => {
      errors.push(e.message);
      throw new Error('and the error handler throws too');
    });
    link.start();
    closers.push(() => link.close());
    await until(() => seen.length === 2);
    expect(seen).toEqual(['one', 'two']);
    expect(errors).toEqual(['handler bug']);
    expect(link.up).toBe(true);
  });

  it('opens a serial port once it exists, with the port settings given', async () => {
    const ports = mockPorts();
    const link = new Link({ type: 'serial', path: '/dev/ttyLATE', baudRate: 9600, dataBits: 7, parity: 'even' }, { backoff: { startMs: 20 }, serialPort: ports.factory });
    const errors: string[] = [];
    link.on('error', (e) => errors.push(e.message));
    link.start();
    closers.push(() => link.close());
    await until(() => errors.length >= 2);
    expect(errors[0]).toMatch(/does not exist/);
    MockBinding.createPort('/dev/ttyLATE', { echo: false, record: true });
    await until(() => link.up);
    expect(ports.last().port!.openOptions).toMatchObject({ path: '/dev/ttyLATE', baudRate: 9600, dataBits: 7, parity: 'even' });
    await link.close();
    expect(ports.last().isOpen).toBe(false);
  });
});

describe('R2000 driver', () => {
  const setup = (extra: Partial<ConstructorParameters<typeof R2000Driver>[0]> = {}) => {
    MockBinding.createPort('/dev/ttyR2000', { echo: false, record: true });
    const ports = mockPorts();
    const readings: DriverReading[] = [];
    let now = 0;
    const driver = keep(new R2000Driver({ id: 'rfid-1', link: { type: 'serial', path: '/dev/ttyR2000', baudRate: 115200 }, serialPort: ports.factory, onReading: (r) => readings.push(r), clock: () => now, ...extra }));
    return { driver, readings, ports, advance: (ms: number) => (now += ms), reader: () => ports.last().port! };
  };

  it('issues cmd_real_time_inventory, turns tags into readings once per window, and re-issues after each round', async () => {
    const { driver, readings, reader, advance } = setup({ inventoryMs: 20 });
    await until(() => driver.health().link === 'up');
    await until(() => reader().recording.length > 0);
    expect(hex(reader().recording)).toBe('A004FF8901D3'); // devices.md §1.1: addr FF, repeat 01
    // A drum standing by the antenna: read three times in the round, plus another drum.
    const other = encodeGrai96({ companyPrefix: '6901234', assetType: '00017', serial: 42 });
    reader().emitData(Buffer.concat([TAG, TAG, r2000Tag(other, 3, -70), TAG, ROUND_END]));
    await until(() => driver.health().frames === 5);
    expect(readings.map((r) => [r.kind, r.data])).toEqual([
      ['tag', { epc: TAG_EPC, grai: graiOf(TAG_EPC), antenna: 1, rssi: -53 }],
      ['tag', { epc: other, grai: graiOf(other), antenna: 3, rssi: -70 }],
    ]);
    expect(driver.health()).toMatchObject({ readings: 2, duplicates: 2, frames: 5, errors: {} });
    // The round ended: the next tick sends the command again.
    await until(() => reader().recording.length >= 12);
    expect(hex(reader().recording.subarray(6, 12))).toBe('A004FF8901D3');
    // Still in the field 1.9 s later: the same sighting. Out of the field for 2 s, then back: a new one.
    advance(1900);
    reader().emitData(TAG);
    advance(2000);
    reader().emitData(TAG);
    await until(() => driver.health().frames === 7);
    expect(readings).toHaveLength(3);
    expect(driver.health().duplicates).toBe(3);
  });

  it('counts junk and bad checksums, and flushes a stray head byte after a quiet gap instead of holding the next frame back', async () => {
    const { driver, readings, reader } = setup({ quietMs: 40, inventoryMs: 10_000 });
    await until(() => driver.health().link === 'up');
    const badSum = Buffer.from(TAG);
    badSum[badSum.length - 1] ^= 0xff;
    reader().emitData(Buffer.concat([bytes('00 11 22'), badSum, TAG]));
    await until(() => readings.length === 1);
    expect(driver.health().errors).toEqual({ JUNK: 1, BAD_CHECKSUM: 1 });
    // A lone 0xA0 (line noise): the decoder reads the next frame's head as its Len and waits for 162 bytes…
    reader().emitData(bytes('A0'));
    await sleep(10);
    reader().emitData(Buffer.from(r2000Tag(encodeGrai96({ companyPrefix: '6901234', assetType: '00017', serial: 7 }))));
    // …until the line has been quiet for 40 ms: then the stray byte is given up and the tag read.
    await until(() => readings.length === 2);
    expect(driver.health().errors).toMatchObject({ BAD_LENGTH: 1 });
    expect(driver.health().link).toBe('up');
  });

  it('reads a network reader over TCP, and after the reader drops the connection reconnects and reads on', async () => {
    // A reader simulator (§7.3): answers each 0x89 with one tag frame per drum in the field, then the end of round.
    const field = [encodeGrai96({ companyPrefix: '6901234', assetType: '00017', serial: 100 })];
    const commands: string[] = [];
    const reader = await listen((s) => {
      const decoder = new R2000CommandDecoder();
      s.on('data', (chunk) => {
        for (const c of decoder.push(chunk)) {
          if (!('kind' in c) || c.kind !== 'command') continue;
          commands.push(c.name);
          if (c.cmd === 0x89) s.write(Buffer.concat([...field.map((e) => r2000Tag(e, 2)), ROUND_END]));
        }
      });
    });
    const readings: DriverReading[] = [];
    let now = 0;
    const driver = keep(new R2000Driver({ id: 'rfid-tcp', link: { type: 'tcp', host: '127.0.0.1', port: reader.port }, backoff: { startMs: 20 }, inventoryMs: 10, clock: () => now, onReading: (r) => readings.push(r) }));
    await until(() => readings.length === 1);
    expect(readings[0]!.data).toEqual({ epc: field[0], grai: graiOf(field[0]!), antenna: 2, rssi: -60 });
    expect(commands.every((c) => c === 'realTimeInventory')).toBe(true);
    reader.sockets[0]!.destroy();
    await until(() => driver.health().ups === 2);
    field.push(encodeGrai96({ companyPrefix: '6901234', assetType: '00017', serial: 101 }));
    await until(() => readings.length === 2);
    expect(readings[1]!.data.epc).toBe(field[1]);
    expect(driver.health()).toMatchObject({ link: 'up', ups: 2, downs: 1, via: `tcp:127.0.0.1:${reader.port}` });
  });
});

describe('Chafon driver', () => {
  it('polls inventory, reads the tags of a multi-frame answer, and counts garbage', async () => {
    MockBinding.createPort('/dev/ttyCHAFON', { echo: false, record: true });
    const ports = mockPorts();
    const readings: DriverReading[] = [];
    const driver = keep(new ChafonDriver({ id: 'chafon-1', link: { type: 'serial', path: '/dev/ttyCHAFON', baudRate: 57600 }, serialPort: ports.factory, pollMs: 20, quietMs: 30, onReading: (r) => readings.push(r) }));
    await until(() => ports.last().port?.recording.length === 5);
    expect(hex(ports.last().port!.recording)).toBe('04FF011BB4'); // devices.md §1.3: inventory, adr FF
    const [a, b] = [1, 2].map((serial) => encodeGrai96({ companyPrefix: '6901234', assetType: '00017', serial }));
    const tags = (...epcs: string[]) => [epcs.length, ...epcs.flatMap((e) => [12, ...bytes(e)])];
    ports.last().port!.emitData(Buffer.concat([chafonResponse(0x00, 0x01, 0x03, tags(a!)), bytes('FE FE'), chafonResponse(0x00, 0x01, 0x01, tags(a!, b!))]));
    await until(() => readings.length === 2);
    expect(readings.map((r) => r.data)).toEqual([
      { epc: a, grai: graiOf(a!) },
      { epc: b, grai: graiOf(b!) },
    ]);
    await until(() => driver.health().errors.JUNK !== undefined || driver.health().errors.BAD_LENGTH !== undefined);
    expect(driver.health()).toMatchObject({ frames: 2, duplicates: 1, readings: 2 });
    // The answer ended (status 0x01): polling goes on.
    await until(() => ports.last().port!.recording.length >= 10);
  });
});

describe('line driver', () => {
  it('reads UIDs, EPCs and Digital Links per line, split or not, and a line without terminator after a quiet gap', async () => {
    MockBinding.createPort('/dev/ttyHF', { echo: false, record: true });
    const ports = mockPorts();
    const readings: DriverReading[] = [];
    const driver = keep(new LineDriver({ id: 'hf-1', link: { type: 'serial', path: '/dev/ttyHF', baudRate: 9600 }, serialPort: ports.factory, quietMs: 40, onReading: (r) => readings.push(r) }));
    await until(() => driver.health().link === 'up');
    const epc = encodeGrai96({ companyPrefix: '6901234', assetType: '00017', serial: 9 });
    ports.last().port!.emitData(Buffer.from('E0040150A1B2C3D4\r\nE004015')); // §7.1: split mid-line
    ports.last().port!.emitData(`0A1B2C3D5\r\n${epc}\r\n`);
    ports.last().port!.emitData('https://id.example.cn/8003/069012340001700000009'); // a scanner without suffix
    await until(() => readings.length === 4);
    expect(readings.map((r) => [r.kind, r.data])).toEqual([
      ['tag', { uid: 'E0040150A1B2C3D4' }],
      ['tag', { uid: 'E0040150A1B2C3D5' }],
      ['tag', { epc, grai: graiOf(epc) }],
      ['code', { text: 'https://id.example.cn/8003/069012340001700000009' }],
    ]);
    expect(hex(ports.last().port!.recording)).toBe(''); // a line reader is only listened to
  });

  it('drops a line the link cut short instead of reading it (cut short, it may be another drum\'s code)', async () => {
    const { port, sockets } = await listen(() => {});
    const readings: DriverReading[] = [];
    const driver = keep(new LineDriver({ id: 'scanner-1', link: { type: 'tcp', host: '127.0.0.1', port }, quietMs: 5_000, onReading: (r) => readings.push(r) }));
    await until(() => sockets.length === 1 && driver.health().link === 'up');
    sockets[0].end('https://id.example.cn/8003/069012340001770000071\r\nhttps://id.example.cn/8003/06901234000177000007'); // …12, cut off
    await until(() => driver.health().link === 'down');
    expect(readings.map((r) => r.data)).toEqual([{ text: 'https://id.example.cn/8003/069012340001770000071' }]);
    expect(driver.health().errors).toMatchObject({ BAD_FRAME: 1 });
  });
});

describe('garbage', () => {
  it('never crashes a driver: every byte of noise is counted in health, and the link stays up', async () => {
    const noise = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919 + 13) & 0xff));
    for (const [name, make] of [
      ['r2000', (o: ConstructorParameters<typeof R2000Driver>[0]) => new R2000Driver(o)],
      ['chafon', (o: ConstructorParameters<typeof R2000Driver>[0]) => new ChafonDriver(o)],
      ['line', (o: ConstructorParameters<typeof R2000Driver>[0]) => new LineDriver({ ...o, maxLength: 64 })],
    ] as const) {
      const path = `/dev/ttyNOISE-${name}`;
      MockBinding.createPort(path, { echo: false, record: true });
      const ports = mockPorts();
      const driver = keep(make({ id: name, link: { type: 'serial', path, baudRate: 9600 }, serialPort: ports.factory, quietMs: 20, onReading: () => {} }));
      await until(() => driver.health().link === 'up');
      for (let i = 0; i < noise.length; i += 100) ports.last().port!.emitData(noise.subarray(i, i + 100));
      await sleep(80);
      const h = driver.health();
      expect(h.link, name).toBe('up');
      expect(Object.values(h.errors).reduce((a, b) => a + (b ?? 0), 0) + h.frames, name).toBeGreaterThan(0);
    }
  });
});
