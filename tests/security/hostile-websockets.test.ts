// Websocket abuse on a listening server: floods of thousands of messages on /live and /gateway,
// frames that break the websocket protocol, and frames over the message limit. The server stays
// up and answers /healthz promptly throughout, closes the abusive socket with a clear code (1002
// protocol error, 1008 policy, 1009 too big), answers each malformed gateway message with a
// refusal, and the other clients carry on: a second /live client gets its entries, a real
// gateway's signed reading is taken in the middle of the flood.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { signReading, type Reading } from '../../devices/gateway/reading.js';
import { demoPrivateJwk } from '../../server/registry/demo-people.js';
import { Client, login } from '../helpers/api.js';
import { openTestApp, type TestApp } from '../helpers/app.js';
import { DRIVERS } from '../helpers/databases.js';
import { expectLogVerifies, recorded } from './hostile-support.js';

const FLOOD = 3000;
/** Each gateway refusal is counted in the database: fewer, to keep the run short. */
const GATEWAY_FLOOD = 2000;

function open(url: string): Promise<{ ws: WebSocket; messages: Record<string, unknown>[]; closed: Promise<number> }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    const messages: Record<string, unknown>[] = [];
    const closed = new Promise<number>((r) => ws.on('close', (code) => r(code)));
    ws.on('message', (m) => messages.push(JSON.parse(String(m))));
    ws.on('error', () => {}); // the close code is what is checked
    ws.once('open', () => resolve({ ws, messages, closed }));
    ws.once('unexpected-response', () => reject(new Error('upgrade refused')));
  });
}

const until = async (what: () => boolean, ms = 20_000, state: () => unknown = () => '') => {
  for (const end = Date.now() + ms; Date.now() < end; await new Promise((r) => setTimeout(r, 20))) if (what()) return;
  throw new Error(`timed out: ${JSON.stringify(state()).slice(0, 1500)}`);
};

describe.each(DRIVERS)('websocket floods and malformed frames, on %s', (driver) => {
  let opened: TestApp;
  let base = '';
  let token = '';
  const healthz = async () => {
    const t0 = Date.now();
    const res = await fetch(`${base.replace('ws', 'http')}/healthz`);
    expect(res.status).toBe(200);
    return Date.now() - t0;
  };

  beforeAll(async () => {
    opened = await openTestApp(driver);
    await opened.app.listen({ port: 0, host: '127.0.0.1' });
    base = `ws://127.0.0.1:${(opened.app.server.address() as { port: number }).port}`;
    token = await login(opened.app, 'producer');
  });
  afterAll(() => opened?.close());

  it('/live: a flood closes the flooding socket with 1008; the server answers /healthz and another client gets its entries', async () => {
    const flooder = await open(`${base}/live?access_token=${token}`);
    const other = await open(`${base}/live?access_token=${await login(opened.app, 'producer')}`);
    for (let i = 0; i < FLOOD; i++) flooder.ws.send(`{"subscribe":"everything","n":${i}}`);
    expect(await flooder.closed).toBe(1008);
    expect(await healthz()).toBeLessThan(2000);
    const { unit } = await new Client(opened.app, token).register();
    await until(() => JSON.stringify(other.messages).includes(unit.id));
    other.ws.close();
  });

  it('/live and /gateway: a message over 1 MiB closes the socket with 1009, a frame that breaks the protocol with 1002', async () => {
    for (const url of [`${base}/live?access_token=${token}`, `${base}/gateway`]) {
      const big = await open(url);
      big.ws.send('x'.repeat((1 << 20) + 1));
      expect(await big.closed, url).toBe(1009);
      const broken = await open(url);
      // An unmasked client frame with a reserved opcode (0x3): both break RFC 6455.
      (broken.ws as unknown as { _socket: NodeJS.WritableStream })._socket.write(Buffer.from([0x83, 0x02, 0x68, 0x69]));
      expect(await broken.closed, url).toBe(1002);
    }
    expect(await healthz()).toBeLessThan(2000);
  });

  it('/gateway: thousands of malformed messages are each refused, never retried, while a real gateway\'s reading is taken and /healthz stays prompt', async () => {
    const before = await recorded(opened.ctx);
    const flooder = await open(`${base}/gateway`);
    const garbage = (i: number): string => {
      const reading = { v: 1, device: 'dev-hengkang-rfid', seq: 900_000 + i, at: '2026-11-28T10:00:00Z', kind: 'tag', data: { epc: '3315A537C8000440000F4241' } };
      switch (i % 8) {
        case 0: return 'not json at all';
        case 1: return 'null';
        case 2: return String(i);
        case 3: return '[]';
        case 4: return JSON.stringify({ reading: { ...reading, device: `dev-nobody-${i}` }, jws: 'a.b.c' }); // no such device
        case 5: return JSON.stringify({ reading, jws: 'eyJhbGciOiJub25lIn0.e30.' }); // alg none: not its signature
        case 6: return JSON.stringify({ reading: { ...reading, device: '\u0000dev' }, jws: 'a.b.c' });
        default: return JSON.stringify({ reading: { ...reading, seq: -1, __proto__: null }, jws: 'a.b.c' });
      }
    };
    for (let i = 0; i < GATEWAY_FLOOD; i++) flooder.ws.send(garbage(i));
    // A real gateway, in the middle of the flood: its signed reading (a tag no unit has: kept) is answered.
    const gw = await open(`${base}/gateway`);
    const reading: Reading = { v: 1, device: 'dev-ruitai-rfid', seq: Date.now(), at: new Date().toISOString(), kind: 'tag', data: { epc: '3315A537C8000440000F4242' } };
    gw.ws.send(JSON.stringify({ reading, jws: await signReading(reading, demoPrivateJwk('device:dev-ruitai-rfid')) }));
    expect(await healthz()).toBeLessThan(2000);
    await until(() => gw.messages.length === 1, 20_000, () => ({ flood: flooder.messages.length, last: flooder.messages.slice(-3) }));
    expect(gw.messages[0]).toMatchObject({ ack: reading.seq, device: 'dev-ruitai-rfid', status: 'kept' });
    await until(() => flooder.messages.length === GATEWAY_FLOOD, 40_000, () => ({ answered: flooder.messages.length, state: flooder.ws.readyState, kinds: [...new Set(flooder.messages.map((m) => `${m.status}/${m.code}/${m.retry}`))] }));
    expect(flooder.messages.filter((m) => m.status !== 'refused'), 'answers other than a refusal').toEqual([]);
    expect(new Set(flooder.messages.map((m) => m.code))).toEqual(new Set(['BAD_INPUT', 'NOT_FOUND', 'SIGNATURE_INVALID']));
    expect(flooder.ws.readyState).toBe(WebSocket.OPEN); // refused one by one: a gateway with a bad clock is not cut off
    flooder.ws.close();
    gw.ws.close();
    expect(await recorded(opened.ctx)).toBe(before);
    await expectLogVerifies(opened.ctx);
  });
});
