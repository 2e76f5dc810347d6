// The finding codes of DESIGN.md §2 and how serious each is.
export const FINDING_CODES = [
  'UNIT_MISSING', 'UNIT_UNEXPECTED', 'WEIGHT_MISMATCH', 'PLATE_MISMATCH', 'TRANSIT_OVERDUE', 'RECEIPT_OVERDUE',
  'STORAGE_OVERDUE', 'LICENCE_SCOPE', 'CUSTODY_GAP', 'SIGNATURE_INVALID', 'LEDGER_TAMPERED',
] as const;
export type FindingCode = (typeof FINDING_CODES)[number];

export const SEVERITIES = ['low', 'medium', 'high', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

export const SEVERITY: Record<FindingCode, Severity> = {
  UNIT_MISSING: 'high',
  UNIT_UNEXPECTED: 'medium',
  WEIGHT_MISMATCH: 'medium',
  PLATE_MISMATCH: 'high',
  TRANSIT_OVERDUE: 'medium',
  RECEIPT_OVERDUE: 'low',
  STORAGE_OVERDUE: 'medium',
  LICENCE_SCOPE: 'high',
  CUSTODY_GAP: 'high',
  SIGNATURE_INVALID: 'critical',
  LEDGER_TAMPERED: 'critical',
};

/** A finding before it is sealed. `key` makes it unique: the same break is never raised twice. */
export interface NewFinding {
  key: string;
  code: FindingCode;
  subjects: { manifest?: string; units?: string[]; vehicle?: string };
  /** The organisations it concerns: they are told, and it counts against them. */
  orgs: string[];
  /** Ledger indices of the entries that show it (empty for a self-audit break without one). */
  evidence: number[];
  detail: string;
}
