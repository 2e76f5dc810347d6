// Binding a drum's tag "from a reader through the gateway": a tag read by one of the producer's
// readers that matches no unit is remembered for a few minutes (server/readings/unbound-tags.ts)
// and shown by GET /api/devices/unbound-tags to its organisation only; in headless Chromium the
// producer clicks "read from a reader", a signed reading arrives over the /gateway websocket, the
// EPC fills the form (with the reader named), and binding it works as typing it would.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { signReading, type Reading } from '../../devices/gateway/reading.js';
import { demoPrivateJwk } from '../../server/registry/demo-people.js';
import { encodeGrai96, decodeGrai96 } from '../../server/units/identifiers/epc.js';
import { Client, eventId } from '../helpers/api.js';
import { openTestApp, type TestApp } from '../helpers/app.js';
import { openWebWorld, type Front, type WebWorld } from './front.js';
import { MAX_AGE_MS, MAX_PER_ORG, UnboundTags } from '../../server/readings/unbound-tags.js';

const epcOf = (serial: number) => encodeGrai96({ companyPrefix: '6901234', assetType: '00017', serial });
type Tag = { deviceId: string; epc: string; grai: string | null; readAt: string; receivedAt: string };

describe('the unbound tag store', () => {
  it('keeps the last reads per organisation, drops old ones, and answers newest first after `since`', () => {
    let now = Date.parse('2026-11-28T08:00:00Z');
    const store = new UnboundTags(() => now);
    for (let i = 0; i < MAX_PER_ORG + 5; i++) {
      store.add('org-a', 'dev-a', epcOf(i).toLowerCase(), new Date(now).toISOString());
      now += 1000;
    }
    store.add('org-b', 'dev-b', 'E2801160600002', new Date(now).toISOString());
    const a = store.since('org-a');
    expect(a).toHaveLength(MAX_PER_ORG);
    expect(a[0].epc).toBe(epcOf(MAX_PER_ORG + 4)); // upper case, newest first
    expect(a.at(-1)!.epc).toBe(epcOf(5));
    expect(store.since('org-b')).toEqual([expect.objectContaining({ deviceId: 'dev-b', grai: null })]); // not a GRAI-96
    expect(store.since('org-a', new Date(Date.parse(a[1].receivedAt))).map((t) => t.epc)).toEqual([a[0].epc]);
    now += MAX_AGE_MS;
    expect(store.since('org-a')).toEqual([]);
    expect(store.since('org-b')).toHaveLength(1);
  });
});

describe('binding a tag from a reader through the gateway', () => {
  let world: WebWorld;
  let opened: TestApp;
  let front: Front;
  let port = 0;
  let page: Page;
  let producer: Client;
  let errors: string[] = [];
  const seqs = new Map<string, number>();

  /** One signed tag reading of `device` over a raw websocket; resolves with the gateway's answer. */
  const read = async (device: string, epc: string): Promise<Record<string, unknown>> => {
    const seq = (seqs.get(device) ?? 0) + 1;
    seqs.set(device, seq);
    const reading: Reading = { v: 1, device, seq, at: new Date().toISOString(), kind: 'tag', data: { epc } };
    const jws = await signReading(reading, demoPrivateJwk(`device:${device}`));
    const ws = new WebSocket(`ws://127.0.0.1:${port}/gateway`);
    await new Promise((r, j) => ws.once('open', r).once('error', j));
    const answer = new Promise<Record<string, unknown>>((r) => ws.once('message', (m) => r(JSON.parse(String(m)))));
    ws.send(JSON.stringify({ reading, jws }));
    try {
      return await answer;
    } finally {
      ws.close();
    }
  };
  const unbound = async (c: Client, since?: string) => {
    const res = await c.request('GET', `/api/devices/unbound-tags${since ? `?since=${encodeURIComponent(since)}` : ''}`);
    expect(res.statusCode, res.body).toBe(200);
    return res.json() as { now: string; tags: Tag[] };
  };

  beforeAll(async () => {
    opened = await openTestApp('pglite');
    await opened.app.listen({ port: 0, host: '127.0.0.1' });
    port = (opened.app.server.address() as { port: number }).port;
    world = await openWebWorld(opened);
    ({ front, page, errors } = world);
    producer = await Client.as(opened.app, 'producer');
  });
  afterAll(() => (world ?? opened)?.close());

  it('shows an unbound read to its own organisation only, newest first, after `since`, and not once bound', async () => {
    const before = (await unbound(producer)).now;
    const [a, b, other] = [epcOf(910001), epcOf(910002), epcOf(910003)];
    expect((await read('dev-hengkang-rfid', a)).status).toBe('kept');
    expect((await read('dev-hengkang-rfid', b)).status).toBe('kept');
    expect((await read('dev-ruitai-rfid', other)).status).toBe('kept');

    const mine = await unbound(producer, before);
    expect(mine.tags.map((t) => [t.deviceId, t.epc])).toEqual([['dev-hengkang-rfid', b], ['dev-hengkang-rfid', a]]);
    expect(mine.tags[0].grai).toBe(decodeGrai96(b).grai);
    expect(Date.parse(mine.tags[0].receivedAt)).toBeGreaterThan(Date.parse(before));
    expect((await unbound(producer, mine.now)).tags).toEqual([]); // nothing newer than the last answer

    // Another producer organisation sees its own reader's read, not ours.
    const producer2 = await Client.as(opened.app, 'producer2');
    expect((await unbound(producer2, before)).tags.map((t) => t.epc)).toEqual([other]);
    // The admin's organisation has no readers here: nothing, but allowed.
    expect((await unbound(await Client.as(opened.app, 'admin'), before)).tags).toEqual([]);
    // A driver (and any role but producer and admin) is refused.
    const driver = await Client.as(opened.app, 'driver');
    const refused = await driver.request('GET', '/api/devices/unbound-tags');
    expect(refused.statusCode).toBe(403);
    expect(refused.json().code).toBe('ROLE_FORBIDDEN');
    // A bad `since` is refused by the schema or the route.
    expect((await producer.request('GET', '/api/devices/unbound-tags?since=yesterday')).statusCode).toBe(400);
    expect((await producer.request('GET', '/api/devices/unbound-tags?since=2026-13-45T00:00:00Z')).statusCode).toBe(400);

    // Bound to a drum, the tag is no longer unbound; a read of a bound tag is sealed, never listed.
    const { unit } = await producer.register();
    expect((await producer.request('POST', `/api/units/${unit.id}/tag`, { eventId: eventId('tag'), epc: a })).statusCode).toBe(201);
    expect((await unbound(producer, before)).tags.map((t) => t.epc)).toEqual([b]);
    const t0 = (await unbound(producer)).now;
    expect((await read('dev-hengkang-rfid', a)).status).toBe('sealed');
    expect((await unbound(producer, t0)).tags).toEqual([]);
  });

  it('fills the EPC from a reader in the browser, names the reader, and binds it', async () => {
    const { unit } = await producer.register();
    const epc = epcOf(920001);
    await page.goto(`${front.base}/`);
    await page.waitForURL('**/login');
    await page.fill('input[name=username]', 'producer');
    await page.fill('input[name=password]', 'producer-demo');
    await page.click('button[type=submit]');
    await page.waitForURL('**/producer');
    await page.goto(`${front.base}/producer/units/${unit.id}`);
    await page.locator('.tag-form button.read-tag', { hasText: '从读写器读取' }).waitFor();

    // A read before the click is not taken.
    expect((await read('dev-hengkang-rfid', epcOf(920099))).status).toBe('kept');
    const first = page.waitForResponse((r) => r.url().includes('/api/devices/unbound-tags'));
    await page.click('.tag-form button.read-tag');
    await page.locator('.tag-form .tag-waiting', { hasText: '等待读写器' }).waitFor();
    await first; // the page has its starting point: now the reader reads the new drum's tag
    expect((await read('dev-hengkang-rfid', epc)).status).toBe('kept');

    await expect.poll(() => page.inputValue('.tag-form input[name=epc]'), { timeout: 10_000 }).toBe(epc);
    expect(await page.locator('.tag-form .tag-read').textContent()).toBe(`读写器 dev-hengkang-rfid 读到 ${epc}`);
    expect(await page.locator('.tag-form .tag-waiting').count()).toBe(0);

    await page.click('.tag-form button[type=submit]');
    await page.locator('.tag-form .notice', { hasText: epc }).waitFor();
    expect((await producer.request('GET', `/api/units/${unit.id}`)).json().epc).toBe(epc);
  });

  it('waits visibly and can be cancelled', async () => {
    await page.click('.tag-form button.read-tag');
    await page.locator('.tag-form .tag-waiting').waitFor();
    await page.click('.tag-form button.read-cancel');
    await page.locator('.tag-form button.read-tag').waitFor();
    expect(await page.locator('.tag-form .tag-waiting').count()).toBe(0);
    // A read after cancelling does not fill the form.
    expect((await read('dev-hengkang-rfid', epcOf(920002))).status).toBe('kept');
    await new Promise((r) => setTimeout(r, 1500));
    expect(await page.inputValue('.tag-form input[name=epc]')).toBe('');
    expect(errors).toEqual([]);
  });
});
