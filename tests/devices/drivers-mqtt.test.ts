// A weighbridge behind a serial-to-MQTT gateway (devices.md §6): the indicator's bytes published
// to a topic, as they are, as hex text or as hex in JSON, reach the same codec and stability rule
// through the link's MQTT transport, with an in-process aedes broker (MQTT 3.1.1, §7). A message
// that carries no bytes is reported as the device's last problem, never a crash; the link comes back with the broker.
import { createServer, type Server } from 'node:net';
import { Aedes } from 'aedes';
import mqtt from 'mqtt';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { DriverReading } from '../../devices/drivers/driver.js';
import { mqttBytes } from '../../devices/drivers/mqtt-link.js';
import { Xk3190Driver } from '../../devices/drivers/xk3190.js';
import { driverFor } from '../../devices/gateway/main.js';
import { encodeFormat0 } from '../../devices/xk3190/protocol.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const until = async (what: () => boolean, ms = 8000) => {
  for (const end = Date.now() + ms; Date.now() < end; await sleep(10)) if (what()) return;
  throw new Error('timed out');
};
const STABILITY = { division: '20', band: 1, count: 5, spanMs: 200, minLoad: 20 };

let broker: Aedes;
let server: Server;
let url = '';
const listen = (port = 0) =>
  new Promise<number>((resolve) => server.listen(port, '127.0.0.1', () => resolve((server.address() as { port: number }).port)));

async function startBroker(port = 0): Promise<number> {
  broker = await Aedes.createBroker();
  server = createServer(broker.handle);
  return listen(port);
}
async function stopBroker(): Promise<void> {
  await new Promise<void>((r) => broker.close(() => r()));
  await new Promise<void>((r) => server.close(() => r()));
}

beforeAll(async () => {
  url = `mqtt://127.0.0.1:${await startBroker()}`;
});
afterAll(stopBroker);

const stops: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const s of stops.splice(0)) await s();
});

/** A publisher playing the gateway: `frames` frames of `kg` at the indicator's pace, each one message. */
async function publisher() {
  const client = await mqtt.connectAsync(url, { protocolVersion: 4 });
  stops.push(() => client.endAsync());
  return async (topic: string, kg: string, frames: number, as: (frame: Uint8Array) => string | Buffer) => {
    for (let i = 0; i < frames; i++) {
      await client.publishAsync(topic, as(encodeFormat0(kg)), { qos: 1 });
      await sleep(60);
    }
  };
}

function driver(topic: string, payload?: 'raw' | 'hex' | 'json') {
  const readings: DriverReading[] = [];
  const d = driverFor(
    { id: 'dev-dongxin-wb', key: 'demo', source: { type: 'mqtt', url, topic, protocol: 'xk3190', payload, options: { stability: STABILITY } } },
    (r) => readings.push(r),
    () => {},
  ) as Xk3190Driver;
  stops.push(() => d.stop());
  d.start();
  return { d, readings };
}

describe('a weighbridge through an MQTT gateway', () => {
  it('weighs a truck from raw frames, hex text and hex in JSON: one stable weighing each', async () => {
    const publish = await publisher();
    const cases = [
      ['raw', 'wb/raw', '15600', (f: Uint8Array) => Buffer.from(f)],
      ['hex', 'wb/hex', '22340', (f: Uint8Array) => Buffer.from(f).toString('hex').toUpperCase().replace(/(..)/g, '$1 ').trim()],
      ['json', 'wb/json', '8120', (f: Uint8Array) => JSON.stringify({ device: 'XK3190', hex: Buffer.from(f).toString('hex') })],
    ] as const;
    for (const [payload, topic, kg, as] of cases) {
      const { d, readings } = driver(topic, payload);
      await until(() => d.health().link === 'up');
      await publish(topic, kg, 8, as);
      await until(() => readings.length === 1);
      expect(readings[0]).toMatchObject({ kind: 'weight', data: { grossKg: kg, unit: 'kg', stable: true } });
      expect(d.health().frames).toBe(8);
    }
  });

  it('reports a message that carries no bytes as the device\'s problem and goes on weighing', async () => {
    const publish = await publisher();
    const { d, readings } = driver('wb/bad', 'json');
    await until(() => d.health().link === 'up');
    await publish('wb/bad', '0', 1, () => 'not json');
    await publish('wb/bad', '0', 1, () => '{"hex": "zz"}');
    await until(() => d.health().lastProblem === 'MQTT message is not hex');
    await publish('wb/bad', '9900', 8, (f) => JSON.stringify({ hex: Buffer.from(f).toString('hex') }));
    await until(() => readings.length === 1);
    expect(readings[0].data.grossKg).toBe('9900');
    expect(mqttBytes(Buffer.from('not json'), { payload: 'json' })).toBeInstanceOf(Error);
    expect(mqttBytes(Buffer.from('{"hex": "zz"}'), { payload: 'json' })).toBeInstanceOf(Error);
    expect(mqttBytes(Buffer.from('0A 0b'), { payload: 'hex' })).toEqual(Buffer.from([10, 11]));
  });

  it('goes down with the broker and comes back up with it, weighing again', async () => {
    const { d, readings } = driver('wb/restart');
    await until(() => d.health().link === 'up');
    const port = Number(new URL(url).port);
    await stopBroker();
    await until(() => d.health().link === 'down');
    await startBroker(port);
    await until(() => d.health().link === 'up', 15_000);
    const publish = await publisher();
    await publish('wb/restart', '31200', 8, (f) => Buffer.from(f));
    await until(() => readings.length === 1);
    expect(readings[0].data.grossKg).toBe('31200');
  }, 30_000);

  it('refuses an MQTT source without a topic, or with a payload it does not know', () => {
    const make = (source: Record<string, unknown>) => () => driverFor({ id: 'dev-x', key: 'demo', source: { type: 'mqtt', url, protocol: 'xk3190', ...source } as never }, () => {}, () => {});
    expect(make({ topic: '' })).toThrow(/an mqtt source needs url and topic/);
    expect(make({ topic: 'wb', payload: 'base64' })).toThrow(/payload base64 is not raw, hex or json/);
  });
});
