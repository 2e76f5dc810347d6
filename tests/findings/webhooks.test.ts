// Webhooks on both drivers: each finding POSTed, signed, to the subscriptions of the
// organisations it touches; failures retried with backoff, then given up; a subscription
// failing in a row disabled and its organisation told; delivery state through the API.
import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Context } from '../../server/context.js';
import { FindingEngine } from '../../server/findings/engine.js';
import { DEFAULT_LIMITS } from '../../server/findings/limits.js';
import { Client, eventId, type Who } from '../helpers/api.js';
import { openTestApp, type TestApp } from '../helpers/app.js';
import { DRIVERS } from '../helpers/databases.js';
import { plateOf } from '../helpers/park.js';


/** A receiver on loopback: /ok answers 204, /broken 500; every request is kept. */
async function receiver() {
  const got: { path: string; headers: Record<string, string | string[] | undefined>; body: string }[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      got.push({ path: req.url!, headers: req.headers, body });
      res.writeHead(req.url!.startsWith('/ok') ? 204 : 500).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { got, url: (path: string) => `http://127.0.0.1:${(server.address() as { port: number }).port}${path}`, close: () => new Promise((r) => server.close(r)) };
}

const until = async (what: () => boolean | Promise<boolean>, ms = 15000) => {
  for (const end = Date.now() + ms; Date.now() < end; await new Promise((r) => setTimeout(r, 20))) if (await what()) return;
  throw new Error('timed out');
};

describe.each(DRIVERS)('finding webhooks on %s', (driver) => {
  let opened: TestApp;
  let ctx: Context;
  let app: FastifyInstance;
  let hooks: Awaited<ReturnType<typeof receiver>>;
  const as = new Map<Who, Client>();

  beforeAll(async () => {
    hooks = await receiver();
    opened = await openTestApp(driver, { webhooks: { attempts: 3, backoffSeconds: 0.05, disableAfter: 2, timeoutMs: 2000, tickSeconds: 0.05, allowedNetworks: ['127.0.0.1/32'] } });
    ({ ctx, app } = opened);
    for (const w of ['producer', 'producer2', 'driver', 'inspector'] as Who[]) as.set(w, await Client.as(app, w));
  });
  afterAll(async () => {
    await opened?.close();
    await hooks?.close();
  });

  /** A manifest whose pickup leaves a drum behind, read by the finding rules: one UNIT_MISSING. */
  async function missingDrum(): Promise<string> {
    const p = as.get('producer')!;
    const ids = [(await p.register()).unit.id, (await p.register()).unit.id].sort();
    const id = (await p.request('POST', '/api/manifests', { eventId: eventId(), receiverOrgId: 'org-dongxin', legs: [{ transporterOrgId: 'org-anyun', vehiclePlate: plateOf('org-anyun') }], unitIds: ids, plannedDate: '2026-12-01' })).json().manifest.id;
    await p.request('POST', `/api/manifests/${id}/signature`, { eventId: eventId() });
    await as.get('driver')!.request('POST', `/api/manifests/${id}/pickup`, { eventId: eventId(), vehiclePlate: plateOf('org-anyun'), scannedUnitIds: [ids[0]] });
    await ctx.sequencer.idle();
    const engine = new FindingEngine({ sql: ctx.db.sql, sequencer: ctx.sequencer, limits: DEFAULT_LIMITS, vkey: ctx.key.vkey, onQueued: () => ctx.webhooks.kick() });
    engine.kick();
    await engine.settled();
    return id;
  }
  const subscribe = async (who: Who, path: string) => {
    const res = await as.get(who)!.request('POST', '/api/webhooks', { url: hooks.url(path) });
    expect(res.statusCode, res.body).toBe(201);
    return res.json() as { subscription: { id: string }; secret: string };
  };

  it('POSTs each finding, signed, to the organisations it touches and their regulator only', async () => {
    const mine = await subscribe('driver', '/ok');
    await subscribe('inspector', '/ok?regulator');
    await subscribe('producer2', '/ok?stranger');
    const id = await missingDrum();
    await until(() => hooks.got.filter((r) => r.body.includes(id)).length >= 2);
    await new Promise((r) => setTimeout(r, 200));
    const calls = hooks.got.filter((r) => r.body.includes(id));
    expect(calls.map((c) => c.path).sort()).toEqual(['/ok', '/ok?regulator']);
    const call = calls.find((c) => c.path === '/ok')!;
    const body = JSON.parse(call.body);
    expect(body).toMatchObject({ event: 'finding.raised', finding: { code: 'UNIT_MISSING', subjects: { manifest: id } } });
    const [, t, v1] = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(String(call.headers['x-hazledger-signature']))!;
    expect(v1).toBe(createHmac('sha256', mine.secret).update(`${t}.${call.body}`).digest('hex'));
    expect(Math.abs(Number(t) - Date.now() / 1000)).toBeLessThan(60);
    const listed = (await as.get('driver')!.request('GET', '/api/webhooks')).json().subscriptions;
    expect(listed).toMatchObject([{ id: mine.subscription.id, active: true, deliveries: { delivered: 1, pending: 0, failed: 0 } }]);
    for (const s of listed) expect((await app.inject({ method: 'DELETE', url: `/api/webhooks/${s.id}`, headers: { authorization: `Bearer ${as.get('driver')!.token}` } })).statusCode).toBe(204);
  });

  it('retries a failing endpoint with backoff, gives up, then disables the subscription and says why', async () => {
    const told: { type: string }[] = [];
    const off = ctx.live.subscribe({ personId: 'p-li-qiang', orgId: 'org-anyun', role: 'driver' }, (m) => told.push(m as { type: string }));
    const broken = await subscribe('driver', '/broken');
    for (let i = 0; i < 2; i++) {
      const id = await missingDrum();
      await until(async () => (await ctx.db.sql.query(`SELECT 1 FROM webhook_deliveries d WHERE d.subscription_id = $1 AND d.status = 'failed' AND d.payload LIKE $2`, [broken.subscription.id, `%${id}%`])).length === 1);
    }
    const attempts = hooks.got.filter((r) => r.path === '/broken');
    expect(attempts).toHaveLength(6); // 2 findings × 3 attempts
    const [s] = (await as.get('driver')!.request('GET', '/api/webhooks')).json().subscriptions;
    expect(s).toMatchObject({ active: false, failuresInRow: 2, deliveries: { failed: 2 }, disabledReason: expect.stringMatching(/2 deliveries in a row given up after 3 attempts each; last: HTTP 500/) });
    await until(() => told.some((m) => m.type === 'webhook.disabled'));
    expect(told.filter((m) => m.type === 'webhook.disabled')).toMatchObject([{ subscription: s.id, reason: s.disabledReason }]); // the owner is told
    off();
    const d = (await as.get('driver')!.request('GET', `/api/webhooks/${s.id}/deliveries?status=failed`)).json().deliveries;
    expect(d[0]).toMatchObject({ attempts: 3, lastStatus: 500, lastError: 'HTTP 500' });
    // Disabled: the next finding is not queued for it. Switched on again: it is.
    await missingDrum();
    expect((await as.get('driver')!.request('GET', '/api/webhooks')).json().subscriptions[0].deliveries.pending).toBe(0);
    const on = await as.get('driver')!.request('PUT', `/api/webhooks/${s.id}/active`, { active: true });
    expect(on.json()).toMatchObject({ active: true, failuresInRow: 0, disabledReason: null });
    // Others' subscriptions are not ours to see or change.
    expect((await as.get('producer')!.request('GET', `/api/webhooks/${s.id}/deliveries`)).statusCode).toBe(404);
    expect((await as.get('producer')!.request('POST', '/api/webhooks', { url: 'ftp://example.com/x' })).statusCode).toBe(400);
  });

  it('refuses a subscription to an internal address the server does not allow (webhook-targets.ts)', async () => {
    // This server allows 127.0.0.1 only (HAZLEDGER_WEBHOOK_ALLOW): the rest of loopback, the LAN and the cloud's metadata address are refused.
    for (const url of ['http://127.0.0.2:8080/x', 'http://10.0.0.1/x', 'http://[::1]/x', 'http://169.254.169.254/latest/meta-data/']) {
      const res = await as.get('producer')!.request('POST', '/api/webhooks', { url });
      expect(res.statusCode, url).toBe(400);
      expect(res.json(), url).toMatchObject({ code: 'BAD_INPUT', detail: expect.stringContaining('HAZLEDGER_WEBHOOK_ALLOW') });
    }
    expect((await as.get('producer')!.request('GET', '/api/webhooks')).json().subscriptions).not.toContainEqual(expect.objectContaining({ url: 'http://10.0.0.1/x' }));
  });
});
