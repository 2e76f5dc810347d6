// How an emulated device meets the gateway, as in the field (devices.md §7.2, §7.4): the device end
// of a socat pty pair (the gateway opens the other end as its serial port), or a TCP server on
// 127.0.0.1 the gateway connects to (a network reader, or a serial device server in transparent
// mode). Either way the emulator sees one byte stream: what it writes, and what the host sends.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { SerialPort } from 'serialport';

export interface DeviceLink {
  /** Where the gateway finds the device: a serial source, or a tcp one. */
  readonly source: { type: 'serial'; path: string; baudRate: number } | { type: 'tcp'; host: string; port: number };
  write(bytes: Uint8Array): void;
  /** Bytes from the host (commands); a new host connection calls onConnect first. */
  onData(handler: (chunk: Buffer) => void): void;
  onConnect(handler: () => void): void;
  /** A host is connected (TCP), or the port is open (serial). */
  readonly connected: boolean;
  close(): Promise<void>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function haveSocat(): boolean {
  return spawnSync('which', ['socat']).status === 0;
}

/** A socat pty pair in `dir`: the emulator opens `<name>.device`, the gateway `<name>.host`. */
export async function ptyLink(dir: string, name: string, baudRate = 9600): Promise<DeviceLink> {
  if (!haveSocat()) throw new Error('socat is not on PATH: apt-get install -y socat (serial devices are emulated over socat pty pairs)');
  const [device, host] = [join(dir, `${name}.device`), join(dir, `${name}.host`)];
  const proc: ChildProcess = spawn('socat', [`pty,raw,echo=0,link=${device}`, `pty,raw,echo=0,link=${host}`], { stdio: 'ignore' });
  let exited = false;
  proc.on('exit', () => (exited = true));
  proc.on('error', () => (exited = true)); // reported below as the pair not made
  for (const end = Date.now() + 5000; !(existsSync(device) && existsSync(host)); await sleep(20)) {
    if (exited || Date.now() > end) throw new Error(`socat did not make the pty pair ${device} / ${host}`);
  }
  const port = new SerialPort({ path: device, baudRate, autoOpen: false });
  await new Promise<void>((ok, ko) => port.open((e) => (e ? ko(e) : ok())));
  port.on('error', () => {}); // the pair going away at the end is not an error worth a crash
  return {
    source: { type: 'serial', path: host, baudRate },
    write: (bytes) => void port.write(Buffer.from(bytes)),
    onData: (h) => void port.on('data', h),
    onConnect: (h) => h(),
    get connected() {
      return port.isOpen;
    },
    async close() {
      if (port.isOpen) await new Promise((r) => port.close(r));
      proc.kill('SIGTERM');
    },
  };
}

/** A TCP server on 127.0.0.1 (port 0: any free one); what is written goes to every connected host. */
export async function tcpLink(port = 0): Promise<DeviceLink> {
  const sockets = new Set<Socket>();
  const dataHandlers: ((c: Buffer) => void)[] = [];
  const connectHandlers: (() => void)[] = [];
  const server: Server = createServer((s) => {
    sockets.add(s);
    s.on('error', () => {});
    s.on('close', () => sockets.delete(s));
    s.on('data', (c) => dataHandlers.forEach((h) => h(c)));
    connectHandlers.forEach((h) => h());
  });
  await new Promise<void>((ok, ko) => {
    server.once('error', ko);
    server.listen(port, '127.0.0.1', ok);
  });
  return {
    source: { type: 'tcp', host: '127.0.0.1', port: (server.address() as { port: number }).port },
    write: (bytes) => sockets.forEach((s) => s.write(bytes)),
    onData: (h) => void dataHandlers.push(h),
    onConnect: (h) => void connectHandlers.push(h),
    get connected() {
      return sockets.size > 0;
    },
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise((r) => server.close(r));
    },
  };
}
