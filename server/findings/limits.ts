// The tolerances and time limits of the finding rules. Rules differ by province and none of these
// figures is confirmed for the pilot park (reference/domain.md), so each is configuration
// (server/config.ts reads the HAZLEDGER_FINDING_* variables) with the default below.
export interface FindingLimits {
  /** A unit's net weight at receipt may differ from its producer's by this fraction… */
  weightTolerance: number;
  /** …or by this many kilograms, whichever is larger (scales of small drums read coarsely). */
  weightToleranceKg: number;
  /** Pickup to arrival at the receiver's gate. */
  transitHours: number;
  /** Arrival to the receiver's signed receipt. */
  receiptHours: number;
  /** A unit stored at its producer (the law's limit is one year; a province may set less). */
  storageDays: number;
  /** How often the time-based rules look (seconds). */
  scanSeconds: number;
  /** How often the self-audit runs for LEDGER_TAMPERED (minutes; 0: never). */
  auditMinutes: number;
}

export const DEFAULT_LIMITS: FindingLimits = {
  weightTolerance: 0.03,
  weightToleranceKg: 2,
  transitHours: 24,
  receiptHours: 24,
  storageDays: 365,
  scanSeconds: 60,
  auditMinutes: 60,
};
