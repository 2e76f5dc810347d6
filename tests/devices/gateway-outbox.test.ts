// The gateway's outbox against a server that answers each reading on its own: asked to send one
// again, then told the next is sealed, it keeps the first and sends it again (an acknowledgement
// removes its own reading only); its mark on disk never passes a reading still waiting; and an
// answer that is not JSON is logged, not fatal.
import { appendFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import { Gateway } from '../../devices/gateway/gateway.js';
import { Outbox } from '../../devices/gateway/outbox.js';
import { demoPrivateJwk } from '../../server/registry/demo-people.js';

const device = 'dev-dongxin-rfid';
const dirs: string[] = [];
const dir = () => {
  const d = mkdtempSync(join(tmpdir(), 'hz-outbox-'));
  dirs.push(d);
  return d;
};
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
const until = async (what: () => boolean, ms = 5000) => {
  for (const end = Date.now() + ms; Date.now() < end; await new Promise((r) => setTimeout(r, 20))) if (what()) return;
  throw new Error('timed out');
};
const record = (seq: number) => ({ seq, message: { reading: { seq }, jws: `jws-${seq}` } });

describe('the gateway outbox', () => {
  it('removes only the reading acknowledged, and keeps its mark below the oldest one waiting', () => {
    const d = dir();
    const box = new Outbox(d);
    for (const seq of [1, 2, 3]) box.append(record(seq));
    box.ack(2);
    expect(box.pending().map((r) => r.seq)).toEqual([1, 3]);
    expect(box.ackedSeq).toBe(0);
    box.close();
    // After a restart: 1 and 3 still wait (2 is sent again, and the server knows it by its number).
    const again = new Outbox(d);
    expect(again.pending().map((r) => r.seq)).toEqual([1, 2, 3]);
    again.ack(1);
    again.ack(2);
    expect([again.pending().map((r) => r.seq), again.ackedSeq]).toEqual([[3], 2]);
    again.close();
    const third = new Outbox(d);
    expect(third.pending().map((r) => r.seq)).toEqual([3]);
    third.ack(3);
    expect([third.pending(), third.ackedSeq, third.nextSeq()]).toEqual([[], 3, 4]);
    third.close();
  });

  it('keeps the readings written after a torn line (a write the disk cut short), dropping only that line', () => {
    const d = dir();
    const box = new Outbox(d);
    box.append(record(1));
    box.close();
    appendFileSync(join(d, 'outbox.jsonl'), '{"seq":2,"message":{"rea'); // the disk filled mid-line
    appendFileSync(join(d, 'outbox.jsonl'), `\n${JSON.stringify(record(3))}\n`);
    const again = new Outbox(d);
    expect([again.pending().map((r) => r.seq), again.nextSeq()]).toEqual([[1, 3], 4]);
    again.close();
  });

  it('sends a reading the server asked for again, though the next one was acknowledged first; survives an answer that is not JSON', async () => {
    const server = new WebSocketServer({ port: 0, host: '127.0.0.1' });
    await new Promise((r) => server.once('listening', r));
    const port = (server.address() as { port: number }).port;
    const got: number[] = [];
    server.on('connection', (ws) => {
      ws.on('message', (raw) => {
        const m = JSON.parse(String(raw));
        if (m.hello) return ws.send(JSON.stringify({ hello: { lastSeq: {} } }));
        const seq = m.reading.seq as number;
        got.push(seq);
        if (seq === 1 && got.filter((s) => s === 1).length === 1) {
          ws.send('<html>502 Bad Gateway</html>'); // a proxy's page in the way
          ws.send(JSON.stringify({ retry: 1, device, detail: 'not taken: try again' }));
          return;
        }
        ws.send(JSON.stringify({ ack: seq, device, status: 'sealed' }));
      });
    });
    const logged: string[] = [];
    const gw = new Gateway({ dir: dir(), server: `http://127.0.0.1:${port}`, keys: new Map([[device, demoPrivateJwk(`device:${device}`)]]), log: (l) => logged.push(l) });
    try {
      gw.start();
      await Promise.all([gw.record(device, 'tag', { epc: 'A1' }), gw.record(device, 'tag', { epc: 'A2' })]);
      await until(() => gw.backlog()[device] === 0);
      expect(got.filter((s) => s === 1)).toHaveLength(2); // sent again, and acknowledged then
      expect(logged.some((l) => /not JSON/.test(l))).toBe(true);
    } finally {
      await gw.stop();
      server.close();
    }
  });

  it('keeps a reading refused because its device is not enrolled yet, and sends it again later', async () => {
    const server = new WebSocketServer({ port: 0, host: '127.0.0.1' });
    await new Promise((r) => server.once('listening', r));
    const port = (server.address() as { port: number }).port;
    let enrolled = false;
    const got: number[] = [];
    server.on('connection', (ws) => {
      ws.on('message', (raw) => {
        const m = JSON.parse(String(raw));
        if (m.hello) return ws.send(JSON.stringify({ hello: { lastSeq: {} } }));
        got.push(m.reading.seq);
        const answer = enrolled ? { status: 'sealed' } : { status: 'refused', code: 'KEY_NOT_ENROLLED', detail: `device ${device} has no enrolled key` };
        ws.send(JSON.stringify({ ack: m.reading.seq, device, ...answer }));
      });
    });
    const gw = new Gateway({ dir: dir(), server: `http://127.0.0.1:${port}`, keys: new Map([[device, demoPrivateJwk(`device:${device}`)]]), unknownDeviceRetryMs: 150 });
    try {
      gw.start();
      await gw.record(device, 'weight', { grossKg: '31250', unit: 'kg', stable: true });
      await until(() => got.length === 1);
      await new Promise((r) => setTimeout(r, 50));
      expect(gw.backlog()[device]).toBe(1); // kept, not thrown away
      enrolled = true; // the admin enrols the scale's key
      await until(() => gw.backlog()[device] === 0);
      expect(got).toEqual([1, 1]);
    } finally {
      await gw.stop();
      server.close();
    }
  });
});
