// Driving manifests over HTTP as the demo people: a step with its status checked, a manifest or
// unit as the inspector or producer sees it, a signed manifest, a drum received by org-dongxin.
import { expect } from 'vitest';
import { eventId, type Client, type Who } from './api.js';
import { leg, plateOf } from './park.js';

export function manifestSteps(as: Map<Who, Client>) {
  /** A step on a manifest; checks the status and returns the answer. */
  const step = async (who: Who, id: string, path: string, body: object, status = 201) => {
    const res = await as.get(who)!.request('POST', `/api/manifests/${id}/${path}`, { eventId: eventId(), ...body });
    expect(res.statusCode, `${who} ${path}: ${res.body}`).toBe(status);
    return res.json();
  };
  const manifest = async (id: string) => (await as.get('inspector')!.request('GET', `/api/manifests/${id}`)).json();
  const unit = async (id: string) => (await as.get('producer')!.request('GET', `/api/units/${id}`)).json();

  /** Drafted and signed by the producer, to org-dongxin over one leg by org-anyun. */
  async function signedManifest(unitIds: string[], extra: object = {}) {
    const res = await as.get('producer')!.request('POST', '/api/manifests', {
      eventId: eventId('mf'), receiverOrgId: 'org-dongxin', legs: [leg('org-anyun')], unitIds, plannedDate: '2026-12-01', ...extra,
    });
    expect(res.statusCode, res.body).toBe(201);
    const id = res.json().manifest.id as string;
    await step('producer', id, 'signature', {});
    return id;
  }

  /** A drum registered, carried to org-dongxin and received there (net 200 kg). */
  async function receivedUnit() {
    const [u] = [(await as.get('producer')!.register()).unit.id];
    const id = await signedManifest([u]);
    await step('driver', id, 'pickup', { vehiclePlate: plateOf('org-anyun'), scannedUnitIds: [u] });
    await step('operator', id, 'arrival', { vehiclePlate: plateOf('org-anyun') });
    await step('operator', id, 'receipt', { decisions: [{ unitId: u, accept: true, grossKg: '218', tareKg: '18' }] });
    return u;
  }

  return { step, manifest, unit, signedManifest, receivedUnit };
}
