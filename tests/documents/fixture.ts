// One transfer manifest taken the whole way over the API, for the document tests: three units
// (one registered with its drum's tag, one tagged later, one never tagged), producer weighings
// (one signed), a two-leg transport, a receipt with weights and one refusal, and a treatment.
// Steps are signed by the producer, the first driver and the operator; the rest server-attested.
import Fastify, { type FastifyInstance } from 'fastify';
import type { JWK } from 'jose';
import { demoPrivateJwk } from '../../server/registry/demo-people.js';
import { installProblemHandlers } from '../../server/problem.js';
import { manifestDocumentRoutes } from '../../server/routes/manifest-documents.js';
import { Client, eventId, login, personOf, signClaim, type Who } from '../helpers/api.js';
import { openTestApp, type TestApp } from '../helpers/app.js';
import type { Driver } from '../helpers/databases.js';
import { plateOf } from '../helpers/park.js';

export { plateOf };
export const TAG_A = '3315A537C8000440000F4241'; // urn:epc:id:grai:6901234.00017.1000001 (devices.md §3.2)
export const TAG_B = '3315A537C8000440000F4242';
const AT = (h: number) => `2026-11-28T${String(h).padStart(2, '0')}:00:00.000Z`;

export interface Scenario {
  opened: TestApp;
  /** The documents' routes, on an app of their own (server/app.ts registers them for real). */
  docs: FastifyInstance;
  as: (who: Who) => Promise<Client>;
  manifest: { id: string; number: string };
  units: { tagged: string; taggedLater: string; untagged: string };
}

const keyOf = (who: Who): JWK => demoPrivateJwk(personOf(who).id);

export async function openScenario(driver: Driver): Promise<Scenario> {
  const opened = await openTestApp(driver);
  const { app, ctx } = opened;
  const docs = Fastify({ ajv: { customOptions: { removeAdditional: false, coerceTypes: false } } });
  installProblemHandlers(docs);
  manifestDocumentRoutes(docs, { tokens: ctx.tokens, custody: ctx.custody });
  await docs.ready();
  const tokens = new Map<Who, string>();
  const token = async (who: Who) => tokens.get(who) ?? tokens.set(who, await login(app, who)).get(who)!;
  const on = async (who: Who) => new Client(app, await token(who));
  const ok = async (who: Who, url: string, body: object) => {
    const res = await (await on(who)).request('POST', url, body);
    if (res.statusCode !== 201) throw new Error(`${who} ${url}: ${res.statusCode} ${res.body}`);
    return res.json();
  };
  const signed = async (who: Who, url: string, action: string, subject: string, body: Record<string, unknown>, data: Record<string, unknown>, at: string) => {
    const eid = eventId('doc');
    return ok(who, url, { ...body, eventId: eid, at, signature: await signClaim({ eventId: eid, action, subject, at, data }, keyOf(who)) });
  };

  const p = await on('producer');
  const tagged = (await p.register({ epc: TAG_A, at: AT(0) })).unit.id as string;
  const taggedLater = (await p.register({ at: AT(0), name: '废活性炭', wasteCode: '271-003-02' })).unit.id as string;
  const untagged = (await p.register({ at: AT(0) })).unit.id as string;
  await ok('producer', `/api/units/${taggedLater}/tag`, { eventId: eventId(), at: AT(1), epc: TAG_B });
  const kg = { grossKg: '120', tareKg: '20', netKg: '100', unitOfMeasure: 'kg', source: 'manual' };
  await signed('producer', `/api/units/${tagged}/weighings`, 'unit.weighed', `unit:${tagged}`, { grossKg: '120', tareKg: '20', source: 'manual' }, kg, AT(1));
  await ok('producer', `/api/units/${taggedLater}/weighings`, { eventId: eventId(), at: AT(1), grossKg: '80.5', tareKg: '10.5', source: 'manual' });
  await ok('producer', `/api/units/${untagged}/weighings`, { eventId: eventId(), at: AT(1), grossKg: '200', tareKg: '18.5', source: 'manual' });
  await ok('producer', `/api/units/${tagged}/storage`, { eventId: eventId(), at: AT(2), siteId: 'site-hengkang-store', bay: 'A-1' });

  const ids = [tagged, taggedLater, untagged].sort();
  const legs = [{ transporterOrgId: 'org-anyun', vehiclePlate: plateOf('org-anyun') }, { transporterOrgId: 'org-taihang', vehiclePlate: plateOf('org-taihang') }];
  const { manifest } = await ok('producer', '/api/manifests', { eventId: eventId(), at: AT(3), receiverOrgId: 'org-dongxin', legs, unitIds: ids, plannedDate: '2026-11-28' });
  const mUrl = (path: string) => `/api/manifests/${manifest.id}/${path}`;
  const subject = `manifest:${manifest.id}`;
  await signed('producer', mUrl('signature'), 'manifest.signed', subject, {}, { step: 'sign' }, AT(3));
  const pickup = { vehiclePlate: plateOf('org-anyun'), scannedUnitIds: ids };
  await signed('driver', mUrl('pickup'), 'manifest.pick_up', subject, pickup, { vehiclePlate: pickup.vehiclePlate, scanned: ids }, AT(4));
  await ok('driver', mUrl('departure'), { eventId: eventId(), at: AT(4), vehiclePlate: plateOf('org-anyun') });
  await ok('driver2', mUrl('handover'), { eventId: eventId(), at: AT(5), vehiclePlate: plateOf('org-taihang'), scannedUnitIds: ids });
  await ok('operator', mUrl('arrival'), { eventId: eventId(), at: AT(6), vehiclePlate: plateOf('org-taihang') });
  const decisions = ids.map((unitId) => (unitId === untagged
    ? { unitId, accept: false, grossKg: '150', tareKg: '18.5', reason: '桶体破损，称重偏轻', discrepancy: 'quantity' }
    : { unitId, accept: true, grossKg: unitId === tagged ? '212.5' : '80.4', tareKg: unitId === tagged ? '18.5' : '10.5' }));
  await signed('operator', mUrl('receipt'), 'manifest.receive', subject, { decisions }, { decisions }, AT(7));
  await ok('operator', `/api/units/${tagged}/treatment`, { eventId: eventId(), at: AT(8), method: 'D10' });
  await ctx.sequencer.idle();

  return {
    opened,
    docs,
    as: async (who) => new Client(docs, await token(who)),
    manifest: { id: manifest.id, number: manifest.number },
    units: { tagged, taggedLater, untagged },
  };
}

export async function closeScenario(s: Scenario | undefined): Promise<void> {
  await s?.docs.close();
  await s?.opened.close();
}
