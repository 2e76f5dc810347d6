// Typed errors for the unit identifiers. Each carries a stable `code` so routes can map it to
// an RFC 9457 problem (400 for bad input, 403/409 for a foreign tag) without parsing messages.

export type Hj1276ErrorCode =
  | 'HJ1276_FORMAT' // the format description itself is inconsistent (a configuration bug)
  | 'HJ1276_LENGTH'
  | 'HJ1276_PRODUCER_CODE'
  | 'HJ1276_WASTE_CODE'
  | 'HJ1276_DATE'
  | 'HJ1276_SEQUENCE'
  | 'HJ1276_SEQUENCE_OVERFLOW';

export type EpcErrorCode =
  | 'EPC_MALFORMED' // not 24 hex digits
  | 'EPC_NOT_GRAI96' // well-formed, but another scheme (or a factory EPC)
  | 'EPC_INVALID_FIELD' // a field out of range, on decode or encode
  | 'EPC_FOREIGN_COMPANY'; // a valid GRAI-96 of somebody else's company prefix

export type GraiErrorCode =
  | 'GRAI_LENGTH'
  | 'GRAI_DIGITS'
  | 'GRAI_FILLER'
  | 'GRAI_CHECK_DIGIT'
  | 'GRAI_SERIAL'
  | 'DIGITAL_LINK_BASE'
  | 'DIGITAL_LINK_PATH'
  | 'DIGITAL_LINK_ENCODING';

export type IdentifierErrorCode = Hj1276ErrorCode | EpcErrorCode | GraiErrorCode;

export class IdentifierError<C extends IdentifierErrorCode = IdentifierErrorCode> extends Error {
  constructor(
    readonly code: C,
    message: string,
  ) {
    super(message);
    this.name = 'IdentifierError';
  }
}

export class Hj1276Error extends IdentifierError<Hj1276ErrorCode> {
  override name = 'Hj1276Error';
}
export class EpcError extends IdentifierError<EpcErrorCode> {
  override name = 'EpcError';
}
export class GraiError extends IdentifierError<GraiErrorCode> {
  override name = 'GraiError';
}

/** Quote untrusted input for an error message: JSON-escaped and cut short (tag reads can be junk). */
export function show(value: unknown, max = 40): string {
  if (typeof value !== 'string') return typeof value === 'number' || typeof value === 'bigint' ? String(value) : typeof value;
  const s = value.length > max ? `${value.slice(0, max)}…` : value;
  return JSON.stringify(s);
}
