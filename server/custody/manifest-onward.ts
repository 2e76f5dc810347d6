// Refused units leave on an onward manifest: the operator that refused them drafts it, back to
// their producer or to another licensed operator. One step seals both ends of the link: the new
// manifest's first entry names the refusing manifest's last entry, and the refusing manifest's
// `manifest.sent_on` entry names the new one's first entry. When every unit of the refusing
// manifest is then treated or sent on, it closes in the same step.
import { randomUUID } from 'node:crypto';
import { encodeEntry, leafHash, toBase64, type Envelope } from '../../ledger/index.js';
import type { Sql } from '../../ledger/store/sql.js';
import type { Actor, CustodyContext } from './context.js';
import { DomainError } from './errors.js';
import { checkLegs, nextManifestNumber, type ManifestDraft } from './manifest-commands.js';
import { envelope } from './manifest-entries.js';
import { cstDate } from '../china-time.js';
import { checkParty, unitSettled } from './manifest-lifecycle.js';
import { applyManifestEntry } from './manifest-projection.js';
import { lockManifest, saveManifestSql } from './manifest-store.js';
import { runStep } from './write-step.js';

/** Where refused units may go: back to their producer, or to an operator (not the one that refused them) licensed for them. */
export async function checkDestination(tx: Sql, refusingOrgId: string, units: { producer_org_id: string; waste_code: string }[], receiverOrgId: string, day: string): Promise<'producer' | 'operator'> {
  if (units.every((u) => u.producer_org_id === receiverOrgId)) return 'producer';
  const wasteCodes = units.map((u) => u.waste_code);
  const bad = (m: string) => new DomainError('BAD_MANIFEST', m);
  if (receiverOrgId === refusingOrgId) throw bad('refused units go back to their producer or on to another operator, not to the operator that refused them');
  const [org] = await tx.query<{ kind: string }>('SELECT kind FROM organisations WHERE id = $1', [receiverOrgId]);
  if (org?.kind !== 'operator') throw bad(`${receiverOrgId} is neither the units' producer nor a licensed operator`);
  const licences = (await tx.query<{ record: { wasteCodes: string[]; validUntil: string } }>('SELECT record FROM licences WHERE org_id = $1', [receiverOrgId])).map((r) => r.record);
  const uncovered = wasteCodes.filter((c) => !licences.some((l) => l.validUntil >= day && l.wasteCodes.includes(c)));
  if (uncovered.length > 0) throw new DomainError('LICENCE_SCOPE', `${receiverOrgId} holds no valid licence for ${[...new Set(uncovered)].join(', ')}`);
  return 'operator';
}

export async function sendOnRefused(ctx: CustodyContext, actor: Actor, fromId: string, d: ManifestDraft) {
  const at = d.at ?? new Date().toISOString();
  const unitIds = [...d.unitIds].sort();
  const claimData = { receiverOrgId: d.receiverOrgId, legs: d.legs, units: unitIds, plannedDate: d.plannedDate };
  const claim = { eventId: d.eventId, action: 'manifest.send_on', subject: `manifest:${fromId}`, at, data: claimData };
  return runStep(ctx, actor, d, claim, async (tx, sig) => {
    const from = await lockManifest(tx, fromId);
    checkParty(from, 'send_on', actor);
    if (new Set(unitIds).size !== unitIds.length) throw new DomainError('BAD_MANIFEST', 'a unit is listed twice');
    const units = await tx.query<{ id: string; state: string; waste_code: string; producer_org_id: string }>('SELECT id, state, waste_code, producer_org_id FROM units WHERE id = ANY($1) ORDER BY id FOR UPDATE', [unitIds]);
    for (const id of unitIds) {
      const u = units.find((x) => x.id === id);
      if (!u || !from.carried.includes(id)) throw new DomainError('BAD_MANIFEST', `unit ${id} is not carried under manifest ${from.number}`);
      if (u.state !== 'refused') throw new DomainError('UNIT_UNAVAILABLE', `unit ${id} is ${u.state}: only refused units are sent on`);
      if (from.sentOn.includes(id)) throw new DomainError('UNIT_UNAVAILABLE', `unit ${id} is already sent on`);
    }
    const receiverRole = await checkDestination(tx, actor.orgId, units, d.receiverOrgId, cstDate(at));
    await checkLegs(tx, d.legs);
    const number = await nextManifestNumber(ctx, tx, at);
    const id = randomUUID();
    const onwardOf = { manifestId: from.id, number: from.number, leafHash: from.lastLeafHash };
    const created = envelope(actor, 'manifest.created', at, id, { ...claimData, number, producerOrgId: actor.orgId, receiverRole, onwardOf, eventId: d.eventId }, sig);
    const createdLeaf = toBase64(leafHash(encodeEntry(created).body));
    const sentOn = envelope(actor, 'manifest.sent_on', at, from.id, { onward: { manifestId: id, number, leafHash: createdLeaf }, units: unitIds, eventId: d.eventId }, sig, from.lastLeafHash);
    const entries: Envelope[] = [created, sentOn];
    const others = await tx.query<{ id: string; state: string }>('SELECT id, state FROM units WHERE id = ANY($1)', [from.carried]);
    const gone = new Set([...from.sentOn, ...unitIds]);
    if (others.every((u) => unitSettled(u, [...gone]))) {
      const sentOnLeaf = toBase64(leafHash(encodeEntry(sentOn).body));
      entries.push(envelope(actor, 'manifest.closed', at, from.id, { eventId: d.eventId }, sig, sentOnLeaf));
    }
    return {
      entries,
      project: ([createdHash, ...fromHashes], params) => {
        const onward = applyManifestEntry(undefined, created, createdHash);
        let refusing = from;
        entries.slice(1).forEach((e, i) => (refusing = applyManifestEntry(refusing, e, fromHashes[i])));
        return { response: onward, sql: [saveManifestSql(onward, params), saveManifestSql(refusing, params)] };
      },
    };
  });
}
