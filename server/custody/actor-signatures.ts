// Checking the actor signatures sealed in entries, against the keys the log itself enrolled:
// a person's key is the one their latest `registry.changed` record carried before the entry.
import { compactVerify, importJWK, type JWK } from 'jose';
import { fromUtf8, type Envelope } from '../../ledger/index.js';
import { algorithmOf, type SignatureRecord } from './signatures.js';

export class EnrolledKeys {
  private readonly keys = new Map<string, JWK>();

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
      const data = e.data as { eventId?: string; siteId?: string };
      const subject = e.type === 'unit.registered' ? `site:${data.siteId}` : `unit:${e.unit}`;
      if (claim.eventId !== data.eventId || claim.at !== e.at || claim.subject !== subject) {
        problems.push(`the signature by ${s.by} is over another step (event ${claim.eventId}, ${claim.subject}, ${claim.at})`);
      }
      if (`person:${e.by.person}` !== s.by && `device:${e.by.device}` !== s.by) problems.push(`signed by ${s.by}, but the entry names another actor`);
    }
    return problems;
  }
}
