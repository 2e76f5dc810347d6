// A witness that holds a view of this log its history does not extend — a split view, a rollback
// or a rewritten history — is the strongest sign the record was bent: LEDGER_TAMPERED, for the
// regulators, with the witness's and the log's sizes in its detail.
import type { WitnessConflictError } from '../witness-client/errors.js';
import type { NewFinding } from './codes.js';

const WHAT: Record<WitnessConflictError['kind'], string> = {
  'same-size-other-root': 'holds another checkpoint of the same size (a split view)',
  inconsistent: "holds a checkpoint the log's history does not extend",
  'witness-ahead': 'has seen more of this log than the log now holds (a rollback)',
};

export function witnessConflictFinding(e: WitnessConflictError, authorities: string[]): NewFinding {
  return {
    key: `LEDGER_TAMPERED:WITNESS:${e.witness}:${e.kind}:${e.witnessSize ?? e.size}`,
    code: 'LEDGER_TAMPERED',
    subjects: {},
    orgs: authorities,
    evidence: [],
    detail: `witness ${e.witness} ${WHAT[e.kind]}: the log is at size ${e.size}, the witness at ${e.witnessSize ?? 'unknown'}`,
  };
}
