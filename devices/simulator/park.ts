// The emulated devices of the pilot park, the gateway config that reads them, and the gateway
// process itself (`hazledger gateway`, spawned unless the caller runs its own):
//   dev-ruitai-rfid   R2000 reader, socat pty       (garbage on request)
//   dev-dongxin-wb    XK3190 format 0, socat pty    (window rule)
//   dev-hengkang-rfid LLRP reader, TCP              (ROSpec handshake)
//   dev-lvxun-wb      Toledo, TCP (serial device server in transparent mode; motion bit)
//   dev-anyun-hh1, dev-taihang-hh1   handhelds printing QR labels as lines, TCP
// The gate cameras push straight to the server over HTTP (cameras.ts), as in the field.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import type { GatewayConfig } from '../gateway/main.js';
import { ptyLink, tcpLink, type DeviceLink } from './emulators/links.js';
import { TagField, llrpReader, r2000Reader, type R2000ReaderStats } from './emulators/readers.js';
import { weighbridge, type Weighbridge } from './emulators/weighbridge.js';

export interface ParkOptions {
  server: string;
  /** Where the ptys and the gateway config go. */
  dir: string;
  /**
   * The gateway's outboxes. They must outlive a run: the server takes each (device, seq) once,
   * so a fresh outbox numbering from 1 again would have its readings answered as replays.
   */
  outboxDir: string;
  seed: number;
  garbageReader: boolean;
  /** Write the gateway config here and let the caller run the gateway, instead of spawning it. */
  gatewayConfig?: string;
  log: (line: string) => void;
}

export interface Park {
  fields: Record<string, TagField>;
  bridges: Record<string, Weighbridge>;
  /** Print a line on a handheld (a QR label scanned). */
  scan(deviceId: string, text: string): void;
  garbage: R2000ReaderStats;
  configPath: string;
  devices: string[];
  /** Why the spawned gateway is gone, if it is. */
  readonly gatewayGone?: string;
  stop(): Promise<void>;
}

const BIN = fileURLToPath(new URL('../../bin/hazledger.mjs', import.meta.url));
const FRAME_MS = 50; // 20 Hz indicators
const INVENTORY_MS = 100;

export async function openPark(o: ParkOptions): Promise<Park> {
  mkdirSync(o.dir, { recursive: true });
  const links: DeviceLink[] = [];
  const keep = <L extends DeviceLink>(l: L) => (links.push(l), l);
  const closers: (() => void)[] = [];
  try {
    const ruitaiReader = keep(await ptyLink(o.dir, 'ruitai-rfid', 115200));
    const dongxinBridge = keep(await ptyLink(o.dir, 'dongxin-wb', 9600));
    const hengkangReader = keep(await tcpLink());
    const lvxunBridge = keep(await tcpLink());
    const handhelds = { 'dev-anyun-hh1': keep(await tcpLink()), 'dev-taihang-hh1': keep(await tcpLink()) };

    const fields = { 'dev-hengkang-rfid': new TagField(), 'dev-ruitai-rfid': new TagField() };
    const garbage = r2000Reader(ruitaiReader, fields['dev-ruitai-rfid'], { garbage: o.garbageReader, seed: o.seed });
    closers.push(llrpReader(hengkangReader, fields['dev-hengkang-rfid'], { reportMs: 100, keepaliveMs: 5000 }).close);
    const bridges = { 'dev-dongxin-wb': weighbridge(dongxinBridge, 'xk3190', FRAME_MS), 'dev-lvxun-wb': weighbridge(lvxunBridge, 'toledo', FRAME_MS) };
    closers.push(...Object.values(bridges).map((b) => () => b.stop()));

    // Time is compressed, so a truck rests on the bridge well under the §4.6 default 2 s: the
    // window rule is set to 5 readings over 600 ms, still within one 20 kg division.
    const stability = { division: '20', band: 1, count: 5, spanMs: 600, minLoad: 20 };
    const config: GatewayConfig = {
      server: o.server,
      dir: o.outboxDir,
      healthEverySeconds: 1,
      devices: [
        { id: 'dev-ruitai-rfid', key: 'demo', source: { ...(ruitaiReader.source as { type: 'serial'; path: string; baudRate: number }), protocol: 'r2000', options: { inventoryMs: INVENTORY_MS, dedupeMs: 2000 } } },
        { id: 'dev-dongxin-wb', key: 'demo', source: { ...(dongxinBridge.source as { type: 'serial'; path: string; baudRate: number }), protocol: 'xk3190', options: { stability } } },
        { id: 'dev-hengkang-rfid', key: 'demo', source: { ...(hengkangReader.source as { type: 'tcp'; host: string; port: number }), protocol: 'llrp', options: { dedupeMs: 2000 } } },
        { id: 'dev-lvxun-wb', key: 'demo', source: { ...(lvxunBridge.source as { type: 'tcp'; host: string; port: number }), protocol: 'toledo', options: { stability } } },
        ...Object.entries(handhelds).map(([id, l]) => ({ id, key: 'demo', source: { type: 'tcp-line' as const, host: (l.source as { host: string }).host, port: (l.source as { port: number }).port } })),
      ],
    };
    const configPath = o.gatewayConfig ?? join(o.dir, 'gateway.json');
    writeFileSync(configPath, JSON.stringify(config, null, 2));
    const gateway = o.gatewayConfig ? undefined : spawnGateway(configPath, o.log);
    let stopped: Promise<void> | undefined;
    return {
      fields,
      bridges,
      scan: (id, text) => handhelds[id as keyof typeof handhelds]?.write(Buffer.from(`${text}\r\n`, 'utf8')),
      garbage,
      configPath,
      devices: config.devices.map((d) => d.id),
      get gatewayGone() {
        return gateway?.gone;
      },
      stop() {
        stopped ??= (async () => {
          await gateway?.stop();
          closers.forEach((c) => c());
          await Promise.all(links.map((l) => l.close()));
        })();
        return stopped;
      },
    };
  } catch (e) {
    closers.forEach((c) => c());
    await Promise.all(links.map((l) => l.close()));
    throw e;
  }
}

/** `hazledger gateway --config FILE` as a child; its stderr goes to our log, prefixed. */
function spawnGateway(configPath: string, log: (l: string) => void): { stop(): Promise<void>; readonly gone?: string } {
  let gone: string | undefined;
  const child: ChildProcess = spawn(process.execPath, [BIN, 'gateway', '--config', configPath], { stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  createInterface({ input: child.stderr! }).on('line', (l) => {
    if (!l.startsWith('health ')) log(`gateway: ${l}`);
  });
  createInterface({ input: child.stdout! }).on('line', () => {}); // `taken <device> <seq>`: we watch the log instead
  child.once('exit', (code, signal) => {
    gone = `the gateway exited (${code ?? signal})`;
    if (code !== 0 && signal !== 'SIGTERM') log(gone);
  });
  return {
    get gone() {
      return gone;
    },
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
