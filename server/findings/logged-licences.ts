// Operators' licences as the log had them at an entry: learned from `registry.changed` entries in
// index order, so that a rule judges a receipt by the licences sealed before it, not by today's
// (a licence granted or renewed after an unlicensed acceptance does not hide it).
import type { Envelope } from '../../ledger/index.js';

interface LoggedLicence {
  orgId: string;
  wasteCodes: string[];
  validUntil: string;
}

export class LoggedLicences {
  private readonly byId = new Map<string, LoggedLicence>();

  learn(e: Envelope): void {
    const { kind, id, record } = e.data as { kind?: string; id?: string; record?: Partial<LoggedLicence> };
    if (kind !== 'licence' || typeof id !== 'string' || !record) return;
    this.byId.set(id, { orgId: String(record.orgId), wasteCodes: Array.isArray(record.wasteCodes) ? record.wasteCodes.map(String) : [], validUntil: String(record.validUntil) });
  }

  /** Whether `orgId` held a licence valid on `day` (China Standard Time) covering `wasteCode`. */
  covers(orgId: string, wasteCode: string, day: string): boolean {
    for (const l of this.byId.values()) if (l.orgId === orgId && l.validUntil >= day && l.wasteCodes.includes(wasteCode)) return true;
    return false;
  }
}
