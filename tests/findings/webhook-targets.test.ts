// Where webhooks may go: loopback, private, link-local, shared and reserved addresses are refused
// unless their network is allowed (HAZLEDGER_WEBHOOK_ALLOW); a name is judged by every address it
// resolves to, when subscribing and again on the address each delivery connects to.
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postWebhook } from '../../server/alerts/dispatcher.js';
import { WebhookTargets } from '../../server/alerts/webhook-targets.js';
import { loadConfig } from '../../server/config.js';

const REFUSED = [
  '127.0.0.1', '127.255.0.9', '10.1.2.3', '172.16.0.1', '172.31.255.255', '192.168.1.1', '169.254.169.254', '100.64.0.1',
  '0.0.0.0', '224.0.0.1', '255.255.255.255', '198.18.0.1', '::1', '::', 'fe80::1', 'fd00::1', 'fc12:3456::1', 'ff02::1',
  '::ffff:127.0.0.1', '::ffff:10.0.0.1', '64:ff9b::a00:1',
];
const PUBLIC = ['8.8.8.8', '1.1.1.1', '172.32.0.1', '172.15.255.255', '100.128.0.1', '2001:4860:4860::8888', '2400:3200::1', '::ffff:8.8.8.8'];

describe('webhook targets', () => {
  const none = new WebhookTargets();
  it.each(REFUSED)('refuses %s', (a) => expect(none.refusal(a)).toMatch(/HAZLEDGER_WEBHOOK_ALLOW/));
  it.each(PUBLIC)('lets %s through', (a) => expect(none.refusal(a)).toBeUndefined());

  it('lets through the networks allowed, and only those', () => {
    const lan = new WebhookTargets(['10.20.0.0/16', '127.0.0.1', 'fd00:1::/32']);
    expect([lan.refusal('10.20.5.5'), lan.refusal('127.0.0.1'), lan.refusal('::ffff:10.20.0.1'), lan.refusal('fd00:1:2::3')]).toEqual([undefined, undefined, undefined, undefined]);
    for (const a of ['10.21.0.1', '127.0.0.2', '192.168.1.1', 'fd00:2::1']) expect(lan.refusal(a), a).toMatch(/private/);
  });

  it('refuses a badly written network at start, naming the variable', () => {
    for (const bad of ['10.0.0.0/33', 'intranet', '10.0.0/8', 'fd00::/129']) {
      expect(() => loadConfig({ HAZLEDGER_WEBHOOK_ALLOW: `192.168.0.0/16, ${bad}` }), bad).toThrow(/HAZLEDGER_WEBHOOK_ALLOW/);
    }
    expect(loadConfig({ HAZLEDGER_WEBHOOK_ALLOW: '192.168.0.0/16, 10.1.2.3' }).webhooks.allowedNetworks).toEqual(['192.168.0.0/16', '10.1.2.3']);
  });

  it('refuses to subscribe a URL whose host is or resolves to a refused address, or does not resolve', async () => {
    for (const url of ['http://127.0.0.1:8080/hook', 'http://[::1]/hook', 'https://localhost/hook', 'http://169.254.169.254/latest/meta-data']) {
      await expect(none.check(new URL(url)), url).rejects.toMatchObject({ code: 'BAD_INPUT', message: expect.stringMatching(/private|reserved/) });
    }
    await expect(none.check(new URL('http://no-such-host.invalid/hook'))).rejects.toMatchObject({ code: 'BAD_INPUT', message: expect.stringMatching(/cannot be resolved/) });
    await expect(new WebhookTargets(['127.0.0.0/8', '::1']).check(new URL('http://localhost:9/hook'))).resolves.toBeUndefined();
  });
});

describe('a webhook delivery', () => {
  let server: Server;
  let port = 0;
  let got = 0;
  beforeAll(async () => {
    server = createServer((req, res) => {
      got++;
      req.resume();
      if (req.url === '/trickle') {
        // A status line, then one header a byte every 200 ms: never silent for long, never done.
        res.socket!.write('HTTP/1.1 200 OK\r\nX-Drip: ');
        const drip = setInterval(() => res.socket!.write('a'), 200);
        setTimeout(() => (clearInterval(drip), res.socket!.destroy()), 1500);
        return;
      }
      req.on('end', () => res.writeHead(204).end());
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as { port: number }).port;
  });
  afterAll(() => new Promise((r) => server.close(r)));

  const post = (url: string, targets: WebhookTargets) => postWebhook(new URL(url), '{"finding":1}', { 'content-type': 'application/json' }, 2000, targets);

  it('reaches an allowed address, by address and by name (checked on the address it connects to)', async () => {
    const loopback = new WebhookTargets(['127.0.0.0/8', '::1']);
    expect(await post(`http://127.0.0.1:${port}/ok`, loopback)).toBe(204);
    expect(await post(`http://localhost:${port}/ok`, loopback)).toBe(204);
    expect(got).toBe(2);
  });

  it('gives up a receiver that answers too slowly, however steadily it trickles', async () => {
    const started = Date.now();
    await expect(postWebhook(new URL(`http://127.0.0.1:${port}/trickle`), '{}', {}, 500, new WebhookTargets(['127.0.0.1']))).rejects.toThrow(/no answer within 500 ms/);
    expect(Date.now() - started).toBeLessThan(1200);
  });

  it('does not say which internal address a name has', async () => {
    const refused = await new WebhookTargets().check(new URL('http://localhost/hook')).catch((e: Error) => e.message);
    expect(refused).toMatch(/localhost resolves to a loopback/);
    expect(refused).not.toMatch(/127\.0\.0\.1|::1/);
    await expect(post(`http://localhost:${port}/ok`, new WebhookTargets())).rejects.toThrow(/^refused: localhost resolves to a loopback[^0-9]*$/);
  });

  it('never connects to a refused one, named or not', async () => {
    const before = got;
    await expect(post(`http://127.0.0.1:${port}/ok`, new WebhookTargets())).rejects.toThrow(/refused: 127\.0\.0\.1 is a loopback/);
    await expect(post(`http://localhost:${port}/ok`, new WebhookTargets())).rejects.toThrow(/refused: localhost resolves to/);
    expect(got).toBe(before);
  });
});
