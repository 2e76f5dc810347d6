// Checking the actor signatures sealed in entries, against the keys the log itself enrolled:
// a person's key is the one their latest `registry.changed` record carried before the entry.
import { compactVerify, importJWK, type JWK } from 'jose';
import { fromUtf8, type Envelope } from '../../ledger/index.js';
import { algorithmOf, type SignatureRecord } from './signatures.js';

export class EnrolledKeys {
  private readonly keys = new Map<string, JWK>();
  /** Subjects named by the entries of recent signed steps, by signer and event id (bounded). */
  private readonly steps = new Map<string, Set<string>>();

  /**
   * What a step's claim may name as its subject, given one of its entries: the unit or manifest
   * the entry concerns, the site a unit was registered at, the organisation that drafted a
   * manifest (or the manifest an onward one continues), and whatever the step's earlier entries
   * named — a manifest closed by its last unit's treatment was signed over that unit.
   */
  private stepSubjects(step: string, e: Envelope): Set<string> {
    const d = e.data as { siteId?: string; onwardOf?: { manifestId?: string } };
    const subjects = this.steps.get(step) ?? new Set<string>();
    if (e.unit) subjects.add(`unit:${e.unit}`);
    if (e.manifest) subjects.add(`manifest:${e.manifest}`);
    if (e.type.startsWith('finding.')) subjects.add(`finding:${(e.data as { findingId?: string }).findingId}`);
    if (e.type === 'unit.registered') subjects.add(`site:${d.siteId}`);
    if (e.type === 'manifest.created') subjects.add(d.onwardOf?.manifestId ? `manifest:${d.onwardOf.manifestId}` : `org:${e.by.org}`);
    this.steps.delete(step);
    this.steps.set(step, subjects);
    if (this.steps.size > 10_000) this.steps.delete(this.steps.keys().next().value!);
    return subjects;
  }

  /** Follow the registry: a person record with a public key enrols it. */
  learn(e: Envelope): void {
    const d = e.data as { kind?: string; id?: string; record?: { publicJwk?: JWK } };
    if (d.kind === 'person' && d.id && d.record?.publicJwk) this.keys.set(`person:${d.id}`, d.record.publicJwk);
    if (d.kind === 'device' && d.id && d.record?.publicJwk) this.keys.set(`device:${d.id}`, d.record.publicJwk);
  }

  /** The problems with an entry's signatures (empty when each verifies and binds to the entry). */
  async check(e: Envelope): Promise<string[]> {
    const problems: string[] = [];
    for (const s of (e.sig ?? []) as SignatureRecord[]) {
      if ('attestation' in s) continue; // server-attested: nothing to verify
      const key = this.keys.get(s.by);
      if (!key) {
        problems.push(`${s.by} had no enrolled key when this was signed`);
        continue;
      }
      let claim: { eventId?: string; action?: string; subject?: string; at?: string };
      try {
        const { payload } = await compactVerify(s.jws, await importJWK(key, algorithmOf(key)), { algorithms: ['ES256', 'EdDSA', 'Ed25519'] });
        claim = JSON.parse(fromUtf8(payload));
      } catch {
        problems.push(`the signature by ${s.by} does not verify with the key the log enrolled for it`);
        continue;
      }
      if (s.by.startsWith('device:')) {
        // A device signs its reading (devices/gateway/reading.ts): the same device, number and time.
        const r = claim as { device?: string; seq?: number; at?: string };
        if (`device:${r.device}` !== s.by || r.seq !== (e.data as { seq?: number }).seq || r.at !== e.at) {
          problems.push(`the signature by ${s.by} is over another reading (${r.device} #${r.seq} at ${r.at})`);
        }
      } else {
        const eventId = (e.data as { eventId?: string }).eventId;
        const subjects = this.stepSubjects(`${s.by} ${eventId}`, e);
        if (claim.eventId !== eventId || claim.at !== e.at || !subjects.has(claim.subject ?? '')) {
          problems.push(`the signature by ${s.by} is over another step (event ${claim.eventId}, ${claim.subject}, ${claim.at})`);
        }
      }
      if (`person:${e.by.person}` !== s.by && `device:${e.by.device}` !== s.by) problems.push(`signed by ${s.by}, but the entry names another actor`);
    }
    return problems;
  }
}
