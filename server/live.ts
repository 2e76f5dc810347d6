// Newly sealed entries, pushed to whoever may see them (the /live websocket).
import { fromUtf8 } from '../ledger/index.js';
import type { SealedEntry } from '../ledger/store/sequencer.js';
import type { Sql } from '../ledger/store/sql.js';
import type { Actor } from './custody/context.js';

export interface LiveMessage {
  index: number;
  type: string;
  unit?: string;
  manifest?: string;
  entry: unknown;
}

/** A notice that is not a ledger entry (a webhook disabled, …), for one organisation. */
export type LiveNotice = { type: string; [k: string]: unknown };

type Listener = { actor: Actor; send(m: LiveMessage | LiveNotice): void };

export class LiveHub {
  private readonly listeners = new Set<Listener>();
  constructor(private readonly sql: Sql) {}

  subscribe(actor: Actor, send: (m: LiveMessage | LiveNotice) => void): () => void {
    const l = { actor, send };
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }

  /** Tell every listener of an organisation. */
  tell(orgId: string, notice: LiveNotice): void {
    for (const l of this.listeners) if (l.actor.orgId === orgId) l.send(notice);
  }

  get size(): number {
    return this.listeners.size;
  }

  /** Called after each sealed batch; failures here never touch the ledger. */
  publish(entries: SealedEntry[]): void {
    if (this.listeners.size === 0) return;
    void this.deliver(entries).catch(() => {});
  }

  private async deliver(entries: SealedEntry[]): Promise<void> {
    const unitIds = [...new Set(entries.map((e) => e.unitId).filter((u): u is string => Boolean(u)))];
    const manifestIds = [...new Set(entries.map((e) => e.manifestId).filter((m): m is string => Boolean(m)))];
    const owners = new Map<string, string>();
    if (unitIds.length > 0) {
      for (const r of await this.sql.query<{ id: string; producer_org_id: string }>('SELECT id, producer_org_id FROM units WHERE id = ANY($1)', [unitIds])) {
        owners.set(r.id, r.producer_org_id);
      }
    }
    const parties = new Map<string, string[]>();
    const consignors = new Map<string, string>();
    if (manifestIds.length > 0) {
      const rows = await this.sql.query<{ id: string; producer_org_id: string; receiver_org_id: string; legs: { transporterOrgId: string }[] }>(
        'SELECT id, producer_org_id, receiver_org_id, legs FROM manifests WHERE id = ANY($1)',
        [manifestIds],
      );
      for (const r of rows) {
        parties.set(r.id, [r.producer_org_id, r.receiver_org_id, ...r.legs.map((l) => l.transporterOrgId)]);
        consignors.set(r.id, r.producer_org_id);
      }
    }
    const regions = new Map((await this.sql.query<{ id: string; region: string }>('SELECT id, region FROM organisations')).map((r) => [r.id, r.region]));
    const messages = entries.map((e) => {
      const entry = JSON.parse(fromUtf8(e.body)) as { data?: { orgs?: string[] } };
      // Who the entry concerns: a finding names its organisations; a manifest step, the manifest's parties; a unit step, its producer.
      const finding = e.type.startsWith('finding.');
      const owner = e.unitId ? owners.get(e.unitId) : undefined;
      const orgs = finding ? (entry.data?.orgs ?? []) : [...(e.manifestId ? (parties.get(e.manifestId) ?? []) : []), ...(owner ? [owner] : [])];
      // For a regulator, as its read routes: a finding by any organisation it names; a manifest or
      // unit step by the producer's (the consignor's) region.
      const regulated = finding ? orgs : [...(e.manifestId && consignors.has(e.manifestId) ? [consignors.get(e.manifestId)!] : []), ...(owner ? [owner] : [])];
      return { message: { index: e.index, type: e.type, unit: e.unitId ?? undefined, manifest: e.manifestId ?? undefined, entry } as LiveMessage, orgs, regulated };
    });
    for (const l of this.listeners) {
      for (const m of messages) if (maySee(l.actor, m, regions)) l.send(m.message);
    }
  }
}

/**
 * The scope of the read routes, for entries as they are sealed: the organisations an entry
 * concerns (`orgs`), and the regulator of those it regulates (`regulated`).
 */
function maySee(actor: Actor, m: { message: LiveMessage; orgs: string[]; regulated: string[] }, regions: Map<string, string>): boolean {
  if (actor.role === 'admin') return true;
  if (m.message.type === 'registry.changed') return true; // the registry is public to every account
  if (actor.role === 'inspector') {
    const mine = regions.get(actor.orgId);
    return mine !== undefined && m.regulated.some((o) => (regions.get(o) ?? '').startsWith(mine));
  }
  // A unit's own steps go to its producer; a manifest's steps and a finding, to every party named.
  return m.orgs.includes(actor.orgId);
}
