// `hazledger gateway --config FILE`: run one site's gateway. The config names the server, the
// outbox folder and each device: its key (a JWK file, or the demo key derived from its id) and
// where its readings come from. Sources today: `tcp-line`, a reader or scanner that writes one
// tag, UID or QR text per line on a TCP port (the gateway connects and reconnects with backoff).
// Each reading taken is printed as `taken <device> <seq>` once it is safely in the outbox.
import { readFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import type { JWK } from 'jose';
import { demoPrivateJwk } from '../../server/registry/demo-people.js';
import { FrameError } from '../codec.js';
import { LineDecoder, type LineFrame } from '../line/protocol.js';
import { Gateway } from './gateway.js';

interface DeviceConfig {
  id: string;
  /** A private JWK file, or "demo" for the demo park's derived key. */
  key: string;
  source: { type: 'tcp-line'; host: string; port: number };
}

export interface GatewayConfig {
  server: string;
  dir: string;
  devices: DeviceConfig[];
}

const keyOf = (d: DeviceConfig): JWK => (d.key === 'demo' ? demoPrivateJwk(`device:${d.id}`) : (JSON.parse(readFileSync(d.key, 'utf8')) as JWK));

/** What a line means as a reading. */
function lineReading(f: LineFrame): { kind: 'tag' | 'code'; data: Record<string, unknown> } | undefined {
  if (f.kind === 'epc') return { kind: 'tag', data: { epc: f.epc, ...(f.grai ? { grai: f.grai.grai ?? undefined } : {}) } };
  if (f.kind === 'uid') return { kind: 'tag', data: { uid: f.uid } };
  if (f.kind === 'digitalLink') return { kind: 'code', data: { text: f.text } };
  return f.text ? { kind: 'code', data: { text: f.text } } : undefined;
}

function tcpLine(d: DeviceConfig, onFrame: (f: LineFrame) => void, log: (l: string) => void): () => void {
  let socket: Socket | undefined;
  let stopped = false;
  let wait = 250;
  const open = () => {
    if (stopped) return;
    const decoder = new LineDecoder();
    socket = connect(d.source.port, d.source.host, () => (wait = 250));
    socket.on('data', (chunk) => {
      for (const f of decoder.push(chunk)) {
        if (f instanceof FrameError) log(`${d.id}: ${f.code} ${f.message}`);
        else onFrame(f);
      }
    });
    socket.on('error', (e) => log(`${d.id}: ${e.message}`));
    socket.on('close', () => {
      if (stopped) return;
      setTimeout(open, wait);
      wait = Math.min(wait * 2, 10_000);
    });
  };
  open();
  return () => {
    stopped = true;
    socket?.destroy();
  };
}

export async function gatewayCommand(argv: string[]): Promise<number> {
  const file = argv.find((a) => a.startsWith('--config='))?.slice(9) ?? argv[argv.indexOf('--config') + 1];
  if (!file) throw new Error('usage: hazledger gateway --config FILE');
  const config = JSON.parse(readFileSync(file, 'utf8')) as GatewayConfig;
  const log = (l: string) => console.error(l);
  const gateway = new Gateway({ dir: config.dir, server: config.server, keys: new Map(config.devices.map((d) => [d.id, keyOf(d)])), log });
  gateway.start();
  // Readings of one device are recorded one after another, in the order the device sent them.
  const stops = config.devices.map((d) => {
    let chain = Promise.resolve();
    return tcpLine(d, (f) => {
      const r = lineReading(f);
      if (!r) return;
      chain = chain.then(async () => {
        const reading = await gateway.record(d.id, r.kind, r.data);
        console.log(`taken ${d.id} ${reading.seq}`);
      });
    }, log);
  });
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  stops.forEach((s) => s());
  await gateway.stop();
  return 0;
}
