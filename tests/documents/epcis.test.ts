// EPCIS 2.0 JSON-LD export of a manifest's and a unit's sealed steps: valid against GS1's schema,
// one event per sealed entry (its index and leaf hash as extension fields), CBV steps as mapped.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toBase64 } from '../../ledger/index.js';
import { bytes, num } from '../../ledger/store/sql.js';
import { DRIVERS } from '../helpers/databases.js';
import type { Who } from '../helpers/api.js';
import { closeScenario, openScenario, type Scenario } from './fixture.js';
import { schemaErrors } from './epcis-schema.js';

type Ev = Record<string, any>;
const GRAI_A = 'urn:epc:id:grai:6901234.00017.1000001';
const GRAI_B = 'urn:epc:id:grai:6901234.00017.1000002';
const site = (id: string) => ({ id: `urn:hazledger:site:${id}` });

describe.each(DRIVERS)('EPCIS export on %s', (driver) => {
  let s: Scenario;
  let leaves: Map<number, { leaf: string; type: string }>;
  const get = async (who: Who, url: string) => (await s.as(who)).request('GET', url);
  const events = async (url: string, who: Who = 'producer') => {
    const res = await get(who, url);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/ld\+json/);
    const doc = res.json();
    expect(schemaErrors(doc)).toEqual([]);
    expect(doc).toMatchObject({ type: 'EPCISDocument', schemaVersion: '2.0', '@context': ['https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld', { hz: 'https://hazledger.example/epcis/' }] });
    return doc.epcisBody.eventList as Ev[];
  };
  const of = (list: Ev[], type: string) => list.filter((e) => e['hz:entryType'] === type);

  beforeAll(async () => {
    s = await openScenario(driver);
    const rows = await s.opened.ctx.db.sql.query<{ idx: unknown; leaf_hash: unknown; type: string }>('SELECT idx, leaf_hash, type FROM ledger_entries');
    leaves = new Map(rows.map((r) => [num(r.idx), { leaf: toBase64(bytes(r.leaf_hash)), type: r.type }]));
  });
  afterAll(() => closeScenario(s));

  it("exports a manifest's steps, each event naming the sealed entry it comes from", async () => {
    const list = await events(`/api/manifests/${s.manifest.id}/epcis`, 'inspector');
    const rows = await s.opened.ctx.db.sql.query<{ idx: unknown; type: string; step: string | null }>(
      `SELECT idx, type, convert_from(body, 'UTF8')::jsonb #>> '{data,step}' AS step FROM ledger_entries WHERE manifest_id = $1 ORDER BY idx`, [s.manifest.id]);
    // Pickup, handover and receipt are exported through their per-unit entries, not twice.
    const expected = rows.filter((r) => !(r.type === 'manifest.signed' && r.step !== 'sign') && r.type !== 'manifest.received').map((r) => num(r.idx));
    expect(list.map((e) => e['hz:ledgerIndex'])).toEqual(expected);
    for (const e of list) expect(leaves.get(e['hz:ledgerIndex'])).toEqual({ leaf: e['hz:leafHash'], type: e['hz:entryType'] });
    expect(new Set(list.map((e) => e.eventID)).size).toBe(list.length);
    for (const e of list) {
      expect(e.eventTimeZoneOffset).toBe('+08:00');
      expect(e.eventTime).toMatch(/\+08:00$/);
      expect(e.bizTransactionList).toEqual([{ type: 'https://hazledger.example/epcis/transferManifest', bizTransaction: `urn:hazledger:manifest:${s.manifest.number}` }]);
    }
  });

  it('maps each step to its CBV business step and disposition', async () => {
    const list = await events(`/api/manifests/${s.manifest.id}/epcis`);
    const { tagged, taggedLater, untagged } = s.units;
    const all = [GRAI_A, GRAI_B, `urn:hazledger:unit:${untagged}`].sort();
    const [created] = of(list, 'manifest.created');
    expect(created).toMatchObject({ type: 'TransactionEvent', action: 'ADD', sourceList: [{ type: 'owning_party', source: 'urn:hazledger:org:org-hengkang' }], destinationList: [{ type: 'owning_party', destination: 'urn:hazledger:org:org-dongxin' }] });
    expect([...created.epcList].sort()).toEqual(all);
    expect(of(list, 'manifest.signed')).toEqual([expect.objectContaining({ type: 'TransactionEvent', action: 'OBSERVE', 'hz:signedBy': 'person:p-wang-jianguo' })]);

    const loaded = of(list, 'unit.loaded');
    expect(loaded).toHaveLength(3);
    for (const e of loaded) expect(e).toMatchObject({ type: 'ObjectEvent', action: 'OBSERVE', bizStep: 'loading', disposition: 'in_transit', 'hz:leg': 1, 'hz:carrier': 'urn:hazledger:org:org-anyun', 'hz:signedBy': 'person:p-li-qiang' });
    const byUnit = (l: Ev[], id: string) => l.find((e) => e['hz:unit'] === `urn:hazledger:unit:${id}`)!;
    expect(byUnit(loaded, tagged)).toMatchObject({ epcList: [GRAI_A], readPoint: site('site-hengkang-store'), eventTime: '2026-11-28T12:00:00.000+08:00' });
    expect(byUnit(loaded, untagged)).toMatchObject({ epcList: [`urn:hazledger:unit:${untagged}`], readPoint: site('site-hengkang-plant') });
    expect(of(list, 'unit.handed_over').map((e) => [e.bizStep, e['hz:leg'], e['hz:carrier'], e['hz:signedBy']])).toEqual(Array(3).fill(['loading', 2, 'urn:hazledger:org:org-taihang', 'server-attested']));
    expect(of(list, 'manifest.departed')).toEqual([expect.objectContaining({ type: 'ObjectEvent', bizStep: 'departing', disposition: 'in_transit', epcList: expect.arrayContaining(all) })]);
    expect(of(list, 'manifest.arrived')).toEqual([expect.objectContaining({ bizStep: 'arriving', disposition: 'in_transit', 'hz:vehicle': expect.any(String) })]);

    const mass = (e: Ev) => Object.fromEntries(e.sensorElementList[0].sensorReport.map((r: Ev) => [r['hz:weight'], [r.type, r.value, r.uom]]));
    const received = of(list, 'unit.received');
    expect(received.map((e) => [e.bizStep, e.disposition])).toEqual([['receiving', 'disposed'], ['receiving', 'disposed']]);
    expect(mass(byUnit(received, tagged))).toEqual({ gross: ['Mass', 212.5, 'KGM'], tare: ['Mass', 18.5, 'KGM'], net: ['Mass', 194, 'KGM'] });
    expect(byUnit(received, taggedLater).epcList).toEqual([GRAI_B]);
    const [refused] = of(list, 'unit.refused');
    expect(refused).toMatchObject({ bizStep: 'inspecting', disposition: 'non_conformant', persistentDisposition: { set: ['mismatch_quantity'] }, 'hz:discrepancy': 'quantity', 'hz:refusalReason': '桶体破损，称重偏轻' });
    expect(mass(refused).net).toEqual(['Mass', 131.5, 'KGM']);
    expect(of(list, 'unit.disposed')).toEqual([expect.objectContaining({ action: 'DELETE', bizStep: 'destroying', disposition: 'destroyed', epcList: [GRAI_A], 'hz:treatmentMethod': 'D10' })]);
  });

  it("exports a unit's whole chain, its GRAI from the moment the log bound the tag", async () => {
    const list = await events(`/api/units/${s.units.tagged}/epcis`);
    expect(list.map((e) => e['hz:entryType'])).toEqual(['unit.registered', 'unit.weighed', 'unit.stored', 'unit.loaded', 'unit.handed_over', 'unit.received', 'unit.disposed']);
    for (const e of list) expect(leaves.get(e['hz:ledgerIndex'])!.leaf).toBe(e['hz:leafHash']);
    expect(list.every((e) => e.epcList[0] === GRAI_A)).toBe(true);
    const [registered, weighed, stored] = list;
    expect(registered).toMatchObject({
      action: 'ADD', bizStep: 'commissioning', disposition: 'active', readPoint: site('site-hengkang-plant'), bizLocation: site('site-hengkang-plant'),
      ilmd: { 'hz:wasteCode': '271-001-02', 'hz:wasteCategory': 'HW02', 'hz:wasteName': '精馏残渣', 'hz:hjCode': expect.stringMatching(/^[0-9A-Z]{37}$/) },
    });
    expect(weighed).toMatchObject({ action: 'OBSERVE', bizStep: 'inspecting', 'hz:signedBy': 'person:p-wang-jianguo', readPoint: site('site-hengkang-plant') });
    expect(weighed.disposition).toBeUndefined();
    expect(weighed.sensorElementList[0].sensorReport).toContainEqual({ type: 'Mass', value: 100, uom: 'KGM', 'hz:weight': 'net' });
    expect(stored).toMatchObject({ bizStep: 'storing', readPoint: site('site-hengkang-store'), bizLocation: site('site-hengkang-store') });
    expect(list.at(-1)!.bizTransactionList[0].bizTransaction).toBe(`urn:hazledger:manifest:${s.manifest.number}`);

    const later = await events(`/api/units/${s.units.taggedLater}/epcis`);
    expect(later.map((e) => [e['hz:entryType'], e.epcList[0]])).toEqual([
      ['unit.registered', `urn:hazledger:unit:${s.units.taggedLater}`],
      ['unit.tagged', GRAI_B],
      ['unit.weighed', GRAI_B], ['unit.loaded', GRAI_B], ['unit.handed_over', GRAI_B], ['unit.received', GRAI_B],
    ]);
    expect(later[1]).toMatchObject({ action: 'ADD', bizStep: 'commissioning', disposition: 'active', 'hz:unit': `urn:hazledger:unit:${s.units.taggedLater}` });
    const untagged = await events(`/api/units/${s.units.untagged}/epcis`);
    expect(new Set(untagged.map((e) => e.epcList[0]))).toEqual(new Set([`urn:hazledger:unit:${s.units.untagged}`]));
  });

  it('has the scope of the unit and manifest routes', async () => {
    const status = async (who: Who, url: string) => (await get(who, url)).statusCode;
    const m = `/api/manifests/${s.manifest.id}/epcis`;
    const u = `/api/units/${s.units.tagged}/epcis`;
    expect([await status('driver', m), await status('operator', m), await status('producer2', m)]).toEqual([200, 200, 403]);
    expect([await status('inspector', u), await status('admin', u), await status('producer2', u), await status('driver', u)]).toEqual([200, 200, 403, 403]);
    expect(await status('producer', '/api/units/no-such-unit/epcis')).toBe(404);
    expect(await status('producer', '/api/manifests/no-such-manifest/epcis')).toBe(404);
    expect((await s.docs.inject({ method: 'GET', url: u })).statusCode).toBe(401);
  });
});
