// Unit identifiers: HJ 1276 digital identification code, GRAI-96 EPC, GS1 Digital Link.
export {
  IdentifierError,
  Hj1276Error,
  EpcError,
  GraiError,
  type IdentifierErrorCode,
  type Hj1276ErrorCode,
  type EpcErrorCode,
  type GraiErrorCode,
} from './errors.js';
export * from './gs1.js';
export * from './hj1276.js';
export * from './epc.js';
export * from './digital-link.js';
