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

type Listener = { actor: Actor; send(m: LiveMessage): void };

export class LiveHub {
  private readonly listeners = new Set<Listener>();
  constructor(private readonly sql: Sql) {}

  subscribe(actor: Actor, send: (m: LiveMessage) => void): () => void {
    const l = { actor, send };
    this.listeners.add(l);
    return () => this.listeners.delete(l);
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
    const owners = new Map<string, string>();
    if (unitIds.length > 0) {
      for (const r of await this.sql.query<{ id: string; producer_org_id: string }>('SELECT id, producer_org_id FROM units WHERE id = ANY($1)', [unitIds])) {
        owners.set(r.id, r.producer_org_id);
      }
    }
    const regions = new Map((await this.sql.query<{ id: string; region: string }>('SELECT id, region FROM organisations')).map((r) => [r.id, r.region]));
    const messages = entries.map((e) => ({
      message: { index: e.index, type: e.type, unit: e.unitId ?? undefined, manifest: e.manifestId ?? undefined, entry: JSON.parse(fromUtf8(e.body)) } as LiveMessage,
      owner: e.unitId ? owners.get(e.unitId) : undefined,
    }));
    for (const l of this.listeners) {
      for (const m of messages) if (maySee(l.actor, m.message, m.owner, regions)) l.send(m.message);
    }
  }
}

/** The scope of the unit routes (unit-store.ts `unitScope`), for entries as they are sealed. */
function maySee(actor: Actor, m: LiveMessage, owner: string | undefined, regions: Map<string, string>): boolean {
  if (actor.role === 'admin') return true;
  if (m.type === 'registry.changed') return true; // the registry is public to every account
  if (!m.unit || owner === undefined) return false; // manifests and findings: their own rules, later
  if (actor.role === 'producer') return owner === actor.orgId;
  if (actor.role === 'inspector') {
    const mine = regions.get(actor.orgId);
    return mine !== undefined && (regions.get(owner) ?? '').startsWith(mine);
  }
  return false;
}
