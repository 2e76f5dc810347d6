// Shapes of API answers and requests that the web app uses too: web/src imports this file. It
// must stay free of imports, so that the browser build type-checks it without Node's types.

/** Device health as GET /api/devices shows it. */
export interface DeviceHealth {
  id: string;
  orgId: string;
  siteId: string | null;
  kind: string;
  keyEnrolled: boolean;
  lastSeen: string | null;
  readings: { sealed: number; kept: number; refused: number };
  lastRefusal: { at: string; detail: string } | null;
  gateway: { reportedAt: string; health: Record<string, unknown> } | null;
}

export const REPORT_CATEGORIES = ['leak', 'damaged', 'abandoned', 'label', 'other'] as const;
export type ReportCategory = (typeof REPORT_CATEGORIES)[number];

/** A problem reported by the public from a drum's QR page. */
export interface PublicReport {
  id: string;
  receivedAt: string;
  grai: string;
  unitId: string;
  producerOrgId: string;
  category: ReportCategory;
  message: string;
  /** How to reach the reporter, only when they chose to leave it. */
  contact?: string;
}

/** A tag one of the organisation's readers read that matches no unit (GET /api/devices/unbound-tags). */
export interface UnboundTag {
  deviceId: string;
  /** Upper-case hex, as the reader reported it. */
  epc: string;
  /** AI 8003 value when the EPC is a GRAI-96, else null. */
  grai: string | null;
  /** When the device read it (its clock). */
  readAt: string;
  /** When the server took it. */
  receivedAt: string;
}

/** The receiver's decision on one unit at receipt. */
export interface UnitDecision {
  unitId: string;
  accept: boolean;
  grossKg?: string;
  tareKg?: string;
  /** Why a unit is refused, and what kind of discrepancy it is. */
  reason?: string;
  discrepancy?: 'quantity' | 'type';
}
