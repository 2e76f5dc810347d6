// A small park history for the management ledger tests, over the API: three units of
// org-hengkang over three days (CST) — weighed, stored, one retrieved, one loaded straight out of
// storage — one manifest to org-dongxin (pickup, departure, arrival, receipt with a refusal,
// treatment), and a unit of org-ruitai that its ledger must not show. One registration is dated
// 00:30 CST on the 11th (16:30 UTC on the 10th), to pin the period to China Standard Time.
import { Client, eventId, type Who } from '../helpers/api.js';
import { openTestApp, type TestApp } from '../helpers/app.js';
import type { Driver } from '../helpers/databases.js';
import { leg, plateOf } from '../helpers/park.js';

const at = (day: number, hour: number, min = 0) => `2026-11-${String(day).padStart(2, '0')}T${String(hour).padStart(2, '0')}:${String(min).padStart(2, '0')}:00.000Z`;

export interface LedgerPark {
  opened: TestApp;
  as(who: Who): Promise<Client>;
  units: { a: string; b: string; c: string; other: string };
  manifest: { id: string; number: string };
  /** Event ids of the steps whose lines carry them. */
  events: Record<string, string>;
}

export async function openLedgerPark(driver: Driver): Promise<LedgerPark> {
  const opened = await openTestApp(driver);
  const clients = new Map<Who, Client>();
  const as = async (who: Who) => clients.get(who) ?? clients.set(who, await Client.as(opened.app, who)).get(who)!;
  const events: Record<string, string> = {};
  const ok = async (who: Who, url: string, body: Record<string, unknown>, name?: string) => {
    const id = eventId('ml');
    if (name) events[name] = id;
    const res = await (await as(who)).request('POST', url, { eventId: id, ...body });
    if (res.statusCode !== 201) throw new Error(`${who} ${url}: ${res.statusCode} ${res.body}`);
    return res.json();
  };
  const register = async (who: Who, name: string, body: Record<string, unknown>) => {
    const id = eventId('ml');
    events[name] = id;
    return (await (await as(who)).register({ eventId: id, ...body })).unit.id as string;
  };
  const a = await register('producer', 'registerA', { at: at(10, 1), generationDate: '2026-11-10' });
  const b = await register('producer', 'registerB', { at: at(10, 1, 30), name: '废活性炭,含"苯"', wasteCode: '271-003-02', containerType: '吨袋', generationDate: '2026-11-10' });
  const other = await register('producer2', 'registerOther', { at: at(10, 2), siteId: 'site-ruitai-plant', generationDate: '2026-11-10' });
  await ok('producer', `/api/units/${a}/weighings`, { at: at(10, 2), grossKg: '120', tareKg: '20', source: 'manual' }, 'weighA');
  await ok('producer', `/api/units/${b}/weighings`, { at: at(10, 2), grossKg: '80.5', tareKg: '10.5', source: 'manual' }, 'weighB');
  await ok('producer', `/api/units/${a}/storage`, { at: at(10, 3), siteId: 'site-hengkang-store', bay: 'A-1' }, 'storeA');
  await ok('producer', `/api/units/${b}/storage`, { at: at(10, 3), siteId: 'site-hengkang-store', bay: 'A-2' }, 'storeB');
  await ok('producer', `/api/units/${b}/retrieval`, { at: at(11, 1), reason: '=备货出库' }, 'retrieveB');
  const c = await register('producer', 'registerC', { at: at(10, 16, 30), generationDate: '2026-11-11' });
  await ok('producer', `/api/units/${c}/weighings`, { at: at(11, 2), grossKg: '200', tareKg: '18.5', source: 'manual' }, 'weighC');

  const ids = [a, b, c].sort();
  const { manifest } = await ok('producer', '/api/manifests', { at: at(12, 0), receiverOrgId: 'org-dongxin', legs: [leg('org-anyun')], unitIds: ids, plannedDate: '2026-11-12' });
  const m = (path: string) => `/api/manifests/${manifest.id}/${path}`;
  await ok('producer', m('signature'), { at: at(12, 0, 30) });
  await ok('driver', m('pickup'), { at: at(12, 1), vehiclePlate: plateOf('org-anyun'), scannedUnitIds: ids }, 'pickup');
  await ok('driver', m('departure'), { at: at(12, 2), vehiclePlate: plateOf('org-anyun') }, 'depart');
  await ok('operator', m('arrival'), { at: at(12, 5), vehiclePlate: plateOf('org-anyun') });
  const decisions = ids.map((unitId) => (unitId === c
    ? { unitId, accept: false, grossKg: '150', tareKg: '18.5', reason: '桶体破损', discrepancy: 'quantity' }
    : { unitId, accept: true, grossKg: unitId === a ? '120.2' : '80.4', tareKg: unitId === a ? '20' : '10.5' }));
  await ok('operator', m('receipt'), { at: at(12, 6), decisions }, 'receive');
  await ok('operator', `/api/units/${a}/treatment`, { at: at(13, 1), method: 'D10' });
  await opened.ctx.sequencer.idle();
  return { opened, as, units: { a, b, c, other }, manifest: { id: manifest.id, number: manifest.number }, events };
}
