// The vendored schema is GS1's published file, and it discriminates: the export's passing it
// means something only if it refuses what EPCIS 2.0 refuses.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SCHEMA_PATH, SCHEMA_SHA256, schemaErrors } from './epcis-schema.js';

const event = (over: Record<string, unknown> = {}) => ({
  type: 'ObjectEvent',
  eventTime: '2026-11-28T16:00:00.000+08:00',
  eventTimeZoneOffset: '+08:00',
  epcList: ['urn:epc:id:grai:6901234.00017.1000001'],
  action: 'OBSERVE',
  bizStep: 'loading',
  disposition: 'in_transit',
  readPoint: { id: 'urn:hazledger:site:site-hengkang-store' },
  'hz:ledgerIndex': 7,
  ...over,
});
const doc = (events: object[], over: Record<string, unknown> = {}) => ({
  '@context': ['https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld', { hz: 'https://hazledger.example/epcis/' }],
  type: 'EPCISDocument',
  schemaVersion: '2.0',
  creationDate: '2026-11-28T08:00:00.000Z',
  epcisBody: { eventList: events },
  ...over,
});

describe('the vendored EPCIS 2.0.1 JSON Schema', () => {
  it('is the published file, byte for byte', () => {
    const bytes = readFileSync(SCHEMA_PATH);
    expect(bytes.length).toBe(55680);
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(SCHEMA_SHA256);
    expect(JSON.parse(bytes.toString('utf8')).$id).toBe('https://ref.gs1.org/standards/epcis/2.0.1/epcis-json-schema.json');
  });

  it('accepts a well-formed document with extension fields', () => {
    expect(schemaErrors(doc([event()]))).toEqual([]);
  });

  it.each([
    ['no eventTimeZoneOffset', event({ eventTimeZoneOffset: undefined })],
    ['an offset beyond ±14:00', event({ eventTimeZoneOffset: '+15:00' })],
    ['a bizStep outside the CBV that is not a URI', event({ bizStep: 'treating' })],
    ['a custom bizStep in the CBV namespace', event({ bizStep: 'https://ns.gs1.org/cbv/BizStep-treating' })],
    ['a disposition outside the CBV', event({ disposition: 'refused' })],
    ['an unknown action', event({ action: 'MOVE' })],
    ['an EPC that is not a URI', event({ epcList: ['3315A537C8000440000F4241'] })],
    ['an extension key that is not a URI', event({ ledgerIndex: 7 })],
    ['a readPoint without id', event({ readPoint: {} })],
    ['a persistentDisposition outside the CBV', event({ persistentDisposition: { set: ['short'] } })],
    ['a sensor report of an unknown measurement type', event({ sensorElementList: [{ sensorReport: [{ type: 'Weight', value: 1, uom: 'KGM' }] }] })],
    ['a quantity element with extra fields', event({ quantityList: [{ epcClass: 'urn:epc:class:lgtin:4012345.012345.998877', quantity: 1, uom: 'KGM', net: true }] })],
  ])('refuses %s', (_, bad) => {
    expect(schemaErrors(doc([JSON.parse(JSON.stringify(bad))]))).not.toEqual([]);
  });

  it('refuses a document without @context or schemaVersion', () => {
    const without = (key: string) => JSON.parse(JSON.stringify(doc([event()], { [key]: undefined })));
    expect(schemaErrors(without('@context'))).not.toEqual([]);
    expect(schemaErrors(without('schemaVersion'))).not.toEqual([]);
  });
});
