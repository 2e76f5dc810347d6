// A witness that holds a view of this log its history does not extend — a split view, a rollback
// or a rewritten history — is the strongest sign the record was bent: LEDGER_TAMPERED, for the
// regulators, with the witness's and the log's sizes in its detail.
import type { LogRollbackError } from '../../ledger/store/sequencer.js';
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

/** The database no longer holds the latest checkpoint the log signed (restored from an older backup, or rewritten). */
export function rollbackFinding(e: LogRollbackError, authorities: string[], file: string): NewFinding {
  return {
    key: `LEDGER_TAMPERED:ROLLBACK:${e.knownSize}:${e.databaseSize}`,
    code: 'LEDGER_TAMPERED',
    subjects: {},
    orgs: authorities,
    evidence: [],
    detail: `the database was rolled back or rewritten: the log signed a checkpoint at size ${e.knownSize}, the database holds ${e.databaseSize} entries without it; ` +
      `nothing is sealed until it is restored (or, for a deliberately new log, ${file} is removed from the data directory)`,
  };
}
