// Recent tag reads that matched no unit, kept in memory per organisation of the reading device, so
// a producer binding a new drum's tag can take its EPC "from a reader through the gateway": the
// reading itself is only counted as kept in device_events (its key, not its EPC). Bounded: the
// last MAX_PER_ORG reads per organisation, none older than MAX_AGE_MS. Per process and lost on a
// restart, which is fine for a read the person is waiting for at the reader right now.
import type { UnboundTag } from '../api-types.js';
import { grai96OrNothing } from '../units/identifiers/epc.js';

export const MAX_PER_ORG = 50;
export const MAX_AGE_MS = 10 * 60_000;

export class UnboundTags {
  private readonly byOrg = new Map<string, UnboundTag[]>();

  constructor(private readonly now: () => number = Date.now) {}

  /** A tag reading of `orgId`'s device that matched no unit. */
  add(orgId: string, deviceId: string, epc: string, readAt: string): void {
    const hex = epc.trim().toUpperCase();
    if (!hex || hex.length > 128) return;
    const list = this.fresh(orgId);
    list.push({ deviceId, epc: hex, grai: grai96OrNothing(hex)?.grai ?? null, readAt, receivedAt: new Date(this.now()).toISOString() });
    if (list.length > MAX_PER_ORG) list.splice(0, list.length - MAX_PER_ORG);
    this.byOrg.set(orgId, list);
  }

  /** `orgId`'s recent unbound reads received after `since` (all recent ones without it), newest first. */
  since(orgId: string, since?: Date): UnboundTag[] {
    const after = since?.getTime() ?? -Infinity;
    return this.fresh(orgId).filter((t) => Date.parse(t.receivedAt) > after).reverse();
  }

  /** The organisation's list with reads past MAX_AGE_MS dropped (and the organisation forgotten when none are left). */
  private fresh(orgId: string): UnboundTag[] {
    const cutoff = this.now() - MAX_AGE_MS;
    const list = (this.byOrg.get(orgId) ?? []).filter((t) => Date.parse(t.receivedAt) >= cutoff);
    if (list.length) this.byOrg.set(orgId, list);
    else this.byOrg.delete(orgId);
    return list;
  }
}
