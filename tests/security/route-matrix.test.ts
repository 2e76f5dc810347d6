// The complete role × route matrix, generated from the app's own route table: every route must
// have a rule here (a new route without one fails), every guarded route refuses the roles it does
// not name with 403 problem+json and no token with 401, and lets the roles it names past the guard.
// Whether an allowed role may act on a particular unit or manifest (organisation scope) is tested
// with each feature; here the subject ids are made up, so an allowed role gets past the guard
// and is then refused by the route itself (400/404/409/422), never with 401 or 403 ROLE_FORBIDDEN.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../server/custody/unit-lifecycle.js';
import { Client, type Who } from '../helpers/api.js';
import { openTestApp, type TestApp } from '../helpers/app.js';

type Rule = 'public' | 'device-network' | Exclude<Role, 'device'>[];
const P = 'producer', D = 'driver', O = 'operator', I = 'inspector', A = 'admin';
const ALL: Rule = [P, D, O, I, A];

/** Every route of the app and who may call it. `public`: no account (the ledger's public contract, login, the QR page, docs). */
export const RULES: Record<string, Rule> = {
  'GET /healthz': 'public',
  'GET /ledger/checkpoint': 'public', 'GET /ledger/checkpoints/:size': 'public', 'GET /ledger/vkey': 'public', 'GET /ledger/entries/:index': 'public',
  'GET /ledger/checkpoint/cosigned': 'public', 'GET /ledger/entries': 'public', 'GET /ledger/proof/inclusion': 'public', 'GET /ledger/proof/consistency': 'public', 'GET /ledger/tlog-proof': 'public',
  'POST /api/auth/login': 'public', 'POST /api/auth/refresh': 'public', 'POST /api/auth/logout': 'public', 'GET /8003/:grai': 'public', 'POST /8003/:grai/reports': 'public',
  // Cameras and gateways hold no account: cameras live on the device network, readings carry device signatures.
  'POST /devices/:deviceId/isapi': 'device-network', 'POST /devices/:deviceId/NotificationInfo/TollgateInfo': 'device-network',
  'POST /NotificationInfo/TollgateInfo': 'device-network', 'POST /devices/:deviceId/NotificationInfo/KeepAlive': 'device-network',
  'POST /NotificationInfo/KeepAlive': 'device-network', 'GET /gateway': 'device-network',
  'GET /live': 'public', // a websocket that checks ?access_token= itself (tests/custody/units-api.test.ts)
  'GET /api/me': ALL, 'PUT /api/me/key': ALL, 'GET /api/me/waiting': ALL, 'PUT /api/me/password': ALL,
  'GET /api/people': [A], 'POST /api/people': [A], 'PUT /api/people/:id/login': [A], 'DELETE /api/people/:id/login': [A],
  'POST /api/units': [P], 'POST /api/units/:id/tag': [P], 'POST /api/units/:id/weighings': [P, O], 'POST /api/units/:id/storage': [P],
  'POST /api/units/:id/retrieval': [P], 'POST /api/units/:id/treatment': [O], 'GET /api/units': ALL, 'GET /api/units/:id': ALL,
  'GET /api/units/:id/evidence': [P, I, A], 'GET /api/units/:id/history': ALL, 'GET /api/units/:id/label.svg': [P, I, A], 'GET /api/labels.pdf': [P, I, A],
  'POST /api/manifests': [P], 'POST /api/manifests/:id/signature': [P, O], 'POST /api/manifests/:id/cancellation': [P, O],
  'POST /api/manifests/:id/pickup': [D], 'POST /api/manifests/:id/handover': [D], 'POST /api/manifests/:id/departure': [D],
  'POST /api/manifests/:id/arrival': [P, O], 'POST /api/manifests/:id/receipt': [P, O], 'POST /api/manifests/:id/onward': [O],
  'POST /api/manifests/:id/corrections': [P, D, O], 'POST /api/manifests/:id/corrections/:version/answer': [P, D, O],
  'GET /api/manifests': ALL, 'GET /api/manifests/:id': ALL, 'GET /api/manifests/:id/evidence': ALL,
  'GET /api/manifests/:id/manifest.pdf': ALL, 'GET /api/manifests/:id/epcis': ALL, 'GET /api/units/:id/epcis': ALL,
  'GET /api/producers/:orgId/management-ledger.csv': [P, I, A], 'GET /api/producers/:orgId/management-ledger.xlsx': [P, I, A],
  'POST /api/me/event-ids': [D], 'POST /api/offline/steps': [D], 'GET /api/offline/steps': [D],
  'GET /api/findings': ALL, 'GET /api/findings/:id': ALL, 'POST /api/findings/:id/resolution': [I],
  'GET /api/public-reports': [I, A],
  'GET /api/inspections/open-findings': [I, A], 'GET /api/inspections/risk': [I, A], 'GET /api/inspections/pick-list': [I, A],
  'POST /api/webhooks': ALL, 'GET /api/webhooks': ALL, 'GET /api/webhooks/:id/deliveries': ALL, 'PUT /api/webhooks/:id/active': ALL, 'DELETE /api/webhooks/:id': ALL,
  'GET /api/devices': ALL, 'PUT /api/devices/:id/key': ALL, 'GET /api/devices/unbound-tags': [P, A],
  'GET /api/registry/organisations': ALL, 'GET /api/registry/sites': ALL, 'GET /api/registry/vehicles': ALL,
  'GET /api/registry/waste-codes': ALL, 'GET /api/registry/limits': ALL,
  'PUT /api/registry/vehicles/:plate': [A], 'PUT /api/registry/licences/:id': [A],
  'GET /api/gate/activity': [O, I, A], 'GET /api/gate/pictures/:sha256': [O, I, A], 'GET /api/manifests/:id/units': ALL,
  'GET /*': 'public', // the web app's pages and assets (server/routes/web.ts)
};

const WHO: Record<Exclude<Role, 'device'>, Who> = { producer: 'producer', driver: 'driver', operator: 'operator', inspector: 'inspector', admin: 'admin' };
const fill = (url: string) => url.replace(':version', '2').replace(':id', url.includes('webhooks') ? 'wh-00000000-0000-0000-0000-000000000000' : 'nope-0001');

describe('the role × route matrix, from the route table', () => {
  let opened: TestApp;
  const as = new Map<Role, Client>();
  beforeAll(async () => {
    opened = await openTestApp('pglite');
    for (const [role, who] of Object.entries(WHO)) as.set(role as Role, await Client.as(opened.app, who));
  });
  afterAll(() => opened?.close());

  const routes = () => opened.app.routeTable.filter((r) => r.method !== 'HEAD' && !r.url.startsWith('/docs'));

  it('has a rule for every route, and no rule for a route that does not exist', () => {
    const keys = routes().map((r) => `${r.method} ${r.url}`);
    expect(keys.filter((k) => !(k in RULES)), 'routes without a rule').toEqual([]);
    expect(Object.keys(RULES).filter((k) => !keys.includes(k)), 'rules without a route').toEqual([]);
  });

  it('guards exactly the routes that need an account', () => {
    for (const r of routes()) expect(r.guarded, `${r.method} ${r.url}`).toBe(Array.isArray(RULES[`${r.method} ${r.url}`]));
  });

  it('refuses every role a route does not name, lets the others past the guard, and wants a token', async () => {
    for (const r of routes()) {
      const rule = RULES[`${r.method} ${r.url}`];
      if (!Array.isArray(rule)) continue;
      const method = r.method as 'GET' | 'POST' | 'PUT' | 'DELETE';
      const url = fill(r.url);
      const payload = method === 'GET' || method === 'DELETE' ? undefined : {};
      const anonymous = await opened.app.inject({ method, url, payload });
      expect(anonymous.statusCode, `${method} ${url} without a token`).toBe(401);
      for (const role of Object.keys(WHO) as Exclude<Role, 'device'>[]) {
        const res = await opened.app.inject({ method, url, payload, headers: { authorization: `Bearer ${as.get(role)!.token}` } });
        const why = `${role} ${method} ${url}: ${res.statusCode} ${res.body.slice(0, 160)}`;
        if (rule.includes(role)) {
          expect(res.statusCode === 401 || (res.statusCode === 403 && res.json().code === 'ROLE_FORBIDDEN'), why).toBe(false);
        } else {
          expect(res.statusCode, why).toBe(403);
          expect(res.json().code, why).toBe('ROLE_FORBIDDEN');
          expect(res.headers['content-type'], why).toMatch(/^application\/problem\+json/);
        }
      }
    }
  });
});
