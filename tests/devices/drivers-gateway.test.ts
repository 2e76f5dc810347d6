// `hazledger gateway` with the device drivers: the config's serial/tcp sources and protocols,
// and one end-to-end run as a child process reading a Toledo weighbridge and an R2000 reader
// over TCP (serial device servers in transparent mode, devices.md §6) into the server: the
// stable weight sealed as vehicle.weighed with the rawSha256 of its frame, the drum's tag as
// unit.sighted, the health summary on SIGUSR2 and in GET /api/devices.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromUtf8 } from '../../ledger/index.js';
import { R2000CommandDecoder, encodeFrame } from '../../devices/r2000/protocol.js';
import { encodeToledo } from '../../devices/toledo/protocol.js';
import { driverFor, type DeviceConfig } from '../../devices/gateway/main.js';
import { encodeGrai96 } from '../../server/units/identifiers/epc.js';
import { Client } from '../helpers/api.js';
import { openTestApp, type TestApp } from '../helpers/app.js';
import { DRIVERS, placeEnv } from '../helpers/databases.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const until = async (what: () => boolean | Promise<boolean>, ms = 10_000) => {
  for (const end = Date.now() + ms; Date.now() < end; await sleep(25)) if (await what()) return;
  throw new Error('timed out');
};

describe('gateway config: sources and protocols', () => {
  const dev = (source: unknown): DeviceConfig => ({ id: 'dev-x', key: 'demo', source: source as DeviceConfig['source'] });
  const make = (source: unknown) => driverFor(dev(source), () => {}, () => {});

  it('builds a driver for every protocol on serial or tcp, and keeps tcp-line as a line reader', () => {
    for (const protocol of ['r2000', 'chafon', 'line', 'xk3190', 'toledo', 'mtsics']) {
      expect(make({ type: 'serial', path: '/dev/ttyUSB0', baudRate: 9600, protocol }).protocol).toBe(protocol);
      expect(make({ type: 'tcp', host: '127.0.0.1', port: 4001, protocol }).health().via).toBe('tcp:127.0.0.1:4001');
    }
    expect(make({ type: 'tcp', host: '127.0.0.1', port: 5084, protocol: 'llrp' }).protocol).toBe('llrp');
    // The registry's spelling of MT-SICS (fixtures/pilot-park.json) runs the same driver.
    expect(make({ type: 'serial', path: '/dev/ttyUSB0', baudRate: 9600, protocol: 'mt-sics' }).protocol).toBe('mtsics');
    expect(() => make({ type: 'serial', path: '/dev/ttyUSB0', baudRate: 9600, protocol: 'toString' })).toThrow(/protocol toString is not one of/);
    expect(make({ type: 'tcp-line', host: '127.0.0.1', port: 7000 }).health()).toMatchObject({ protocol: 'line', via: 'tcp:127.0.0.1:7000', link: 'down' });
  });

  it('refuses, naming the device, a source it cannot run', () => {
    expect(() => make({ type: 'serial', path: '/dev/ttyUSB0', baudRate: 9600, protocol: 'modbus' })).toThrow(/dev-x: protocol modbus is not one of r2000, chafon, llrp/);
    expect(() => make({ type: 'serial', path: '/dev/ttyUSB0', protocol: 'toledo' })).toThrow(/dev-x: a serial source needs path and baudRate/);
    expect(() => make({ type: 'udp', host: 'x', port: 1 })).toThrow(/dev-x: source type udp/);
    expect(() => make({ type: 'serial', path: '/dev/ttyUSB0', baudRate: 9600, protocol: 'llrp' })).toThrow(/dev-x: .*TCP/);
    expect(() => make({ type: 'tcp', host: 'h', port: 1, protocol: 'r2000', options: { address: 300 } })).toThrow(/dev-x: address must be/);
    expect(() => make({ type: 'tcp', host: 'h', port: 1, protocol: 'xk3190', options: { stability: { division: '-1' } } })).toThrow(/dev-x: division/);
  });
});

describe.each(DRIVERS)('hazledger gateway with device drivers on %s', (db) => {
  let opened: TestApp;
  let port: number;
  const dirs: string[] = [];
  const servers: Server[] = [];
  const dir = () => {
    const d = mkdtempSync(join(tmpdir(), 'hazledger-drv-'));
    dirs.push(d);
    return d;
  };
  const serve = async (onSocket: (s: Socket) => void) => {
    const server = createServer((s) => {
      s.on('error', () => {});
      onSocket(s);
    });
    servers.push(server);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    return (server.address() as { port: number }).port;
  };

  beforeAll(async () => {
    opened = await openTestApp(db);
    await opened.app.listen({ port: 0, host: '127.0.0.1' });
    port = (opened.app.server.address() as { port: number }).port;
  });
  afterAll(async () => {
    for (const s of servers) s.close();
    await opened?.close();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('seals a Toledo weighing as vehicle.weighed with its frame hash and an R2000 read as unit.sighted; health on SIGUSR2 and in /api/devices', async () => {
    const producer = await Client.as(opened.app, 'producer');
    const epc = encodeGrai96({ companyPrefix: '6901234', assetType: '00017', serial: 7001 });
    const { unit } = await producer.register({ epc });
    // The weighbridge behind a serial device server: 20 frames a second, a truck settling at 15600 kg.
    const frame = (weight: string, motion: boolean) => Buffer.from(encodeToledo({ pointCode: 2, increment: 1, net: false, outOfRange: false, motion, unit: 'kg', powerUpNotZeroed: false, printRequest: false, expanded: false, weight }));
    const stable = frame('15600', false);
    const scalePort = await serve((s) => {
      const script = [frame('6000', true), frame('14000', true), Buffer.from([0x7f]), frame('15620', true)];
      let i = 0;
      const t = setInterval(() => s.write(script[i++] ?? stable), 50);
      s.on('close', () => clearInterval(t));
    });
    // The R2000 reader on TCP 4001-style: one tag frame for the drum, then the end of round, per 0x89.
    const readerPort = await serve((s) => {
      const decoder = new R2000CommandDecoder();
      s.on('data', (chunk) => {
        for (const c of decoder.push(chunk)) {
          if ('cmd' in c && c.cmd === 0x89) s.write(Buffer.concat([encodeFrame(1, 0x89, [1, 0x30, 0x00, ...Buffer.from(epc, 'hex'), 70]), encodeFrame(1, 0x89, [0, 0, 1, 0, 0, 0, 1])]));
        }
      });
    });
    const config = join(dir(), 'gateway.json');
    writeFileSync(config, JSON.stringify({
      server: `http://127.0.0.1:${port}`,
      dir: dir(),
      healthEverySeconds: 1,
      devices: [
        { id: 'dev-hengkang-scale', key: 'demo', source: { type: 'tcp', host: '127.0.0.1', port: scalePort, protocol: 'toledo' } },
        { id: 'dev-hengkang-rfid', key: 'demo', source: { type: 'tcp', host: '127.0.0.1', port: readerPort, protocol: 'r2000', options: { inventoryMs: 100 } } },
      ],
    }));
    const child = spawn(process.execPath, ['bin/hazledger.mjs', 'gateway', '--config', config], { env: placeEnv(opened.place), stdio: ['ignore', 'pipe', 'pipe'] });
    const exited = new Promise((r) => child.on('exit', r));
    const taken: string[] = [];
    const health = new Map<string, Record<string, unknown>>();
    createInterface({ input: child.stdout }).on('line', (l) => taken.push(l));
    createInterface({ input: child.stderr }).on('line', (l) => {
      const m = /^health (\S+) (\{.*\})$/.exec(l);
      if (m) health.set(m[1]!, JSON.parse(m[2]!));
    });
    try {
      await until(() => taken.includes('taken dev-hengkang-scale 1') && taken.includes('taken dev-hengkang-rfid 1'));
      await sleep(500); // more rounds and frames: still one weighing, one sighting
      child.kill('SIGUSR2');
      await until(() => health.size === 2);
      expect(health.get('dev-hengkang-scale')).toMatchObject({ protocol: 'toledo', link: 'up', readings: 1, errors: { JUNK: 1 } });
      expect(health.get('dev-hengkang-rfid')).toMatchObject({ protocol: 'r2000', link: 'up', readings: 1, deviceErrors: 0 });
      expect((health.get('dev-hengkang-rfid')!.duplicates as number) > 0).toBe(true);
      const devices = async () => (await producer.request('GET', '/api/devices')).json().devices as { id: string; gateway: { health: Record<string, unknown> } | null }[];
      await until(async () => Boolean((await devices()).find((d) => d.id === 'dev-hengkang-scale')?.gateway));
      expect((await devices()).find((d) => d.id === 'dev-hengkang-scale')!.gateway!.health).toMatchObject({ device: 'dev-hengkang-scale', protocol: 'toledo', link: 'up' });
      const entries = async (type: string) => {
        await opened.ctx.sequencer.idle();
        return (await opened.ctx.db.sql.query<{ body: Uint8Array }>(`SELECT body FROM ledger_entries WHERE type = $1 ORDER BY idx`, [type])).map((r) => JSON.parse(fromUtf8(r.body)));
      };
      await until(async () => (await entries('vehicle.weighed')).some((e) => e.by.device === 'dev-hengkang-scale'));
      const weighed = (await entries('vehicle.weighed')).filter((e) => e.by.device === 'dev-hengkang-scale');
      expect(weighed).toHaveLength(1);
      expect(weighed[0].data).toMatchObject({ grossKg: '15600', unit: 'kg', stable: true, frames: 1, rawSha256: createHash('sha256').update(stable).digest('hex'), seq: 1 });
      await until(async () => (await entries('unit.sighted')).some((e) => e.unit === unit.id));
      const sighted = (await entries('unit.sighted')).filter((e) => e.unit === unit.id);
      expect(sighted).toHaveLength(1);
      expect(sighted[0]).toMatchObject({ by: { device: 'dev-hengkang-rfid' }, data: { epc, antenna: 2, rssi: -59 } });
    } finally {
      child.kill('SIGTERM');
      await exited;
    }
    expect(child.exitCode).toBe(0);
  }, 60_000);
});
