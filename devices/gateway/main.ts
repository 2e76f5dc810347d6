// `hazledger gateway --config FILE`: run one site's gateway. The config names the server, the
// outbox folder and each device: its key (a JWK file, or the demo key derived from its id) and
// where its readings come from (README "Device gateway"):
//   { type: 'serial', path, baudRate, protocol, dataBits?, parity?, stopBits?, options? }
//   { type: 'tcp', host, port, protocol, connectTimeoutMs?, idleMs?, options? }
//   { type: 'mqtt', url, topic, protocol, payload?: raw|hex|json, field?, username?, password?, options? }
//   { type: 'tcp-line', host, port }   (the first source: the same as tcp + protocol 'line')
// with protocol one of r2000 | chafon | llrp | line | xk3190 | toledo | mtsics (also mt-sics, as the
// registry writes it) (devices/drivers/).
// Each reading taken is printed as `taken <device> <seq>` once it is safely in the outbox.
// Device health: `kill -USR2 <pid>` prints one `health <device> <json>` line per device to stderr,
// and every `healthEverySeconds` (default 60, 0 = never) the counters go to the server
// (Gateway.reportHealth; GET /api/devices shows them).
import { readFileSync } from 'node:fs';
import type { JWK } from 'jose';
import { demoPrivateJwk } from '../../server/registry/demo-people.js';
import { createDriver, PROTOCOLS, protocolNamed, type Driver, type DriverReading, type ProtocolOptions } from '../drivers/index.js';
import type { LinkOptions, PortFactory } from '../drivers/transport.js';
import { Gateway } from './gateway.js';

type Settings = Partial<ProtocolOptions> & { quietMs?: number };

export type SourceConfig =
  | { type: 'tcp-line'; host: string; port: number }
  | { type: 'serial'; path: string; baudRate: number; protocol: string; dataBits?: 5 | 6 | 7 | 8; parity?: 'none' | 'even' | 'odd' | 'mark' | 'space'; stopBits?: 1 | 1.5 | 2; options?: Settings }
  | { type: 'tcp'; host: string; port: number; protocol: string; connectTimeoutMs?: number; idleMs?: number; options?: Settings }
  | { type: 'mqtt'; url: string; topic: string; protocol: string; payload?: 'raw' | 'hex' | 'json'; field?: string; username?: string; password?: string; options?: Settings };

export interface DeviceConfig {
  id: string;
  /** A private JWK file, or "demo" for the demo park's derived key. */
  key: string;
  source: SourceConfig;
}

export interface GatewayConfig {
  server: string;
  dir: string;
  /** How often each device's health goes to the server, in seconds (default 60; 0: never). */
  healthEverySeconds?: number;
  devices: DeviceConfig[];
}

const keyOf = (d: DeviceConfig): JWK => (d.key === 'demo' ? demoPrivateJwk(`device:${d.id}`) : (JSON.parse(readFileSync(d.key, 'utf8')) as JWK));

const bad = (d: DeviceConfig, why: string) => new Error(`gateway config: device ${d.id}: ${why}`);

/** The driver for one configured device; throws on a source it cannot run, naming the device. */
export function driverFor(d: DeviceConfig, onReading: (r: DriverReading) => void, log: (l: string) => void, serialPort?: PortFactory): Driver<unknown> {
  const s = d.source as SourceConfig | undefined;
  if (!s || typeof s !== 'object') throw bad(d, 'no source');
  let link: LinkOptions;
  let protocol: string;
  let options: Settings = {};
  if (s.type === 'tcp-line') {
    [link, protocol] = [{ type: 'tcp', host: s.host, port: s.port }, 'line'];
  } else if (s.type === 'tcp') {
    if (typeof s.host !== 'string' || !Number.isInteger(s.port)) throw bad(d, 'a tcp source needs host and port');
    [link, protocol, options] = [{ type: 'tcp', host: s.host, port: s.port, connectTimeoutMs: s.connectTimeoutMs, idleMs: s.idleMs }, s.protocol, s.options ?? {}];
  } else if (s.type === 'serial') {
    if (typeof s.path !== 'string' || !Number.isInteger(s.baudRate)) throw bad(d, 'a serial source needs path and baudRate');
    link = { type: 'serial', path: s.path, baudRate: s.baudRate, dataBits: s.dataBits, parity: s.parity, stopBits: s.stopBits };
    [protocol, options] = [s.protocol, s.options ?? {}];
  } else if (s.type === 'mqtt') {
    if (typeof s.url !== 'string' || typeof s.topic !== 'string' || !s.topic) throw bad(d, 'an mqtt source needs url and topic');
    if (s.payload !== undefined && !['raw', 'hex', 'json'].includes(s.payload)) throw bad(d, `mqtt payload ${String(s.payload)} is not raw, hex or json`);
    link = { type: 'mqtt', url: s.url, topic: s.topic, payload: s.payload, field: s.field, username: s.username, password: s.password };
    [protocol, options] = [s.protocol, s.options ?? {}];
  } else {
    throw bad(d, `source type ${String((s as { type?: unknown }).type)} is not serial, tcp, mqtt or tcp-line`);
  }
  const known = protocolNamed(protocol);
  if (!known) throw bad(d, `protocol ${String(protocol)} is not one of ${PROTOCOLS.join(', ')}`);
  try {
    return createDriver(known, { ...options, id: d.id, link, onReading, log, serialPort });
  } catch (e) {
    throw bad(d, e instanceof Error ? e.message : String(e));
  }
}

export async function gatewayCommand(argv: string[]): Promise<number> {
  const file = argv.find((a) => a.startsWith('--config='))?.slice(9) ?? argv[argv.indexOf('--config') + 1];
  if (!file) throw new Error('usage: hazledger gateway --config FILE');
  const config = JSON.parse(readFileSync(file, 'utf8')) as GatewayConfig;
  const log = (l: string) => console.error(l);
  const gateway = new Gateway({ dir: config.dir, server: config.server, keys: new Map(config.devices.map((d) => [d.id, keyOf(d)])), log });
  // Readings of one device are recorded one after another, in the order the device sent them.
  const drivers = config.devices.map((d) => {
    let chain = Promise.resolve();
    return driverFor(d, (r) => {
      chain = chain
        .then(async () => {
          const reading = await gateway.record(d.id, r.kind, r.data, r.at);
          console.log(`taken ${d.id} ${reading.seq}`);
        })
        .catch((e: unknown) => log(`${d.id}: reading not taken: ${e instanceof Error ? e.message : String(e)}`));
    }, log);
  });
  gateway.start();
  for (const driver of drivers) driver.start();

  const summary = () => {
    for (const driver of drivers) console.error(`health ${driver.id()} ${JSON.stringify(driver.health())}`);
  };
  process.on('SIGUSR2', summary);
  const every = (config.healthEverySeconds ?? 60) * 1000;
  const report = every > 0 ? setInterval(() => drivers.forEach((dr) => void gateway.reportHealth(dr.id(), { ...dr.health() })), every) : undefined;

  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  clearInterval(report);
  process.off('SIGUSR2', summary);
  await Promise.all(drivers.map((dr) => dr.stop()));
  await gateway.stop();
  return 0;
}
