// Domain errors with stable codes; the HTTP layer turns them into problem+json.
export type DomainCode =
  | 'TRANSITION_REFUSED'
  | 'UNIT_NOT_FOUND'
  | 'NOT_IN_SCOPE'
  | 'EVENT_ID_REUSED'
  | 'SIGNATURE_INVALID'
  | 'SIGNATURE_MISMATCH'
  | 'KEY_NOT_ENROLLED'
  | 'UNKNOWN_WASTE_CODE'
  | 'UNKNOWN_SITE'
  | 'UNKNOWN_ORGANISATION'
  | 'ROLE_NOT_FOR_ORGANISATION'
  | 'TAG_IN_USE'
  | 'BAD_TAG'
  | 'BAD_WEIGHT'
  | 'BAD_INPUT'
  | 'MANIFEST_NOT_FOUND'
  | 'BAD_MANIFEST'
  | 'UNIT_UNAVAILABLE'
  | 'LICENCE_SCOPE'
  | 'FINDING_NOT_FOUND'
  | 'NOT_FOUND'
  | 'NOT_SEALED_YET'
  | 'LEDGER_HALTED';

const STATUS: Record<DomainCode, number> = {
  TRANSITION_REFUSED: 409,
  UNIT_NOT_FOUND: 404,
  NOT_IN_SCOPE: 403,
  EVENT_ID_REUSED: 409,
  SIGNATURE_INVALID: 422,
  SIGNATURE_MISMATCH: 422,
  KEY_NOT_ENROLLED: 422,
  UNKNOWN_WASTE_CODE: 422,
  UNKNOWN_SITE: 422,
  UNKNOWN_ORGANISATION: 422,
  ROLE_NOT_FOR_ORGANISATION: 422,
  TAG_IN_USE: 409,
  BAD_TAG: 422,
  BAD_WEIGHT: 422,
  BAD_INPUT: 400,
  MANIFEST_NOT_FOUND: 404,
  BAD_MANIFEST: 422,
  UNIT_UNAVAILABLE: 409,
  LICENCE_SCOPE: 422,
  FINDING_NOT_FOUND: 404,
  NOT_FOUND: 404,
  NOT_SEALED_YET: 503,
  LEDGER_HALTED: 503,
};

export class DomainError extends Error {
  readonly status: number;
  constructor(
    readonly code: DomainCode,
    message: string,
  ) {
    super(message);
    this.name = 'DomainError';
    this.status = STATUS[code];
  }
}
